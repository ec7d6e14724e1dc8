// The baseline: a bare Koa route that parses the JSON body and answers 202 (no auth, no store).
import Koa from 'koa';
import Router from '@koa/router';
import getRawBody from 'raw-body';

const app = new Koa();
const router = new Router();
router.post('/report', async (ctx) => {
  const body = JSON.parse((await getRawBody(ctx.req, { limit: 1024 * 1024 })).toString('utf8'));
  ctx.status = 202;
  ctx.body = { id: String(body.title ?? ''), deliveries: [] };
});
app.use(router.routes());
const server = app.listen(Number(process.env['PORT']), '127.0.0.1', () => process.stderr.write('listening on port\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
