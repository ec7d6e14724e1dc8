// generic: any JSON mapped per source by JSON paths or liquid templates.
import { describe, expect, it } from 'vitest';
import { generic, levelOf } from '../../src/inbound/generic.js';
import { getPath, parsePath } from '../../src/inbound/jsonpath.js';
import { PayloadError } from '../../src/inbound/format.js';
import { parse, render } from './helpers.js';

describe('json paths', () => {
  const doc = { alert: { name: 'disk', 'a b': 1, list: [{ x: 'first' }, { x: 'second' }] }, top: [10, 20] };
  const rows: [string, unknown][] = [
    ['$.alert.name', 'disk'],
    ['alert.name', 'disk'],
    ["$.alert['a b']", 1],
    ['$["alert"].list[1].x', 'second'],
    ['alert.list[0].x', 'first'],
    ['$.top[1]', 20],
    ['$', doc],
    ['$.missing.deeper', undefined],
    ['$.alert.name.length', undefined],
    ['$.alert.list.length', undefined],
    ['$.alert.constructor', undefined],
    ['$.top[5]', undefined],
  ];
  for (const [path, want] of rows) it(`${path} → ${JSON.stringify(want)}`, () => expect(getPath(doc, parsePath(path))).toEqual(want));
  for (const bad of ['$.', '$..a', '$[x]', "$['open", '$.a b']) {
    it(`'${bad}' is refused with where`, () => expect(() => parsePath(bad)).toThrow(/position|must follow|write/));
  }
});

describe('generic mapping', () => {
  const body = { alert: { name: 'Disk full', host: 'nas', sev: 'crit', id: 'a-17', users: ['telegram:1', 'alice'], pic: 'https://x.example/p.png' } };
  const map = {
    title: '$.alert.name',
    text: '{{ alert.host }} is at {{ alert.name | downcase }}',
    level: 'alert.sev',
    id: '$.alert.id',
    to: '$.alert.users',
    to_group: '{{ "ops" }}',
    image: '$.alert.pic',
    event: '{{ alert.sev }}.alert',
  };
  it('maps every key from a path or a template', async () => {
    const n = await parse('generic', body, { map });
    expect(n).toMatchObject({
      title: 'Disk full',
      text: 'nas is at disk full',
      level: 'error',
      dedupKey: 'a-17',
      to: ['telegram:1', 'alice'],
      toGroup: ['ops'],
      image: { url: 'https://x.example/p.png' },
      event: 'crit.alert',
    });
    expect(n.vars.alert).toMatchObject({ host: 'nas' });
  });
  it('custom level words win', async () => {
    expect((await parse('generic', body, { map, levels: { CRIT: 'warning' } })).level).toBe('warning');
  });
  it('without a map, the usual names are found', async () => {
    const n = await parse('generic', { title: 'T', message: 'M', severity: 'warning', id: 9, type: 'build' });
    expect(n).toMatchObject({ title: 'T', text: 'M', level: 'warning', dedupKey: '9', event: 'build' });
  });
  it('an unknown shape is shown as its JSON so a user sees what came', async () => {
    const n = await parse('generic', { foo: { bar: 1 } });
    expect(n.text).toContain('"bar": 1');
    expect(n.event).toBe('generic');
  });
  it('a list or a scalar body is accepted', async () => {
    expect((await parse('generic', [{ title: 'x' }], { map: { title: '$[0].title' } })).title).toBe('x');
    expect((await parse('generic', 'just text', { map: { text: '{{ body }}' } })).text).toBe('just text');
  });
  it('a path that lands on an object is a 400 naming the key', async () => {
    await expect(parse('generic', body, { map: { title: '$.alert' } })).rejects.toSatisfy((e) => e instanceof PayloadError && e.field === 'title' && /object/.test(e.message));
  });
  it('base64 in the image path is checked like a screenshot', async () => {
    const n = await parse('generic', { img: 'bm90IGFuIGltYWdl' }, { map: { image: '$.img', text: 'x' } });
    expect(n.image).toBeUndefined();
    expect(n.imageNote).toMatch(/the image was not a PNG/);
    const zh = await parse('generic', { img: '!!!' }, { map: { image: '$.img', text: 'x' }, locale: 'zh-CN' });
    expect(zh.imageNote).toBe('图片不是有效的 base64，已略去');
  });
  it('payload text cannot add markup: values are escaped when rendered', async () => {
    const n = await parse('generic', { title: 'x', text: '**bold** [a](https://evil.example)' });
    const r = render('generic', n);
    expect(r.body).toBe('**bold** [a](https://evil.example)');
    expect(r.msg.body.every((s) => s.kind === 'text')).toBe(true);
  });
  it('a bad mapping is a config error naming it', () => {
    const res = generic.options!.safeParse({ map: { title: '$..x', text: '{{ unclosed' } });
    expect(res.success).toBe(false);
    const paths = res.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['map.title', 'map.text']));
    expect(generic.options!.safeParse({ map: { colour: '$.x' } }).success).toBe(false);
  });
});

describe('generic level words', () => {
  const rows: [string | undefined, string][] = [
    [undefined, 'info'],
    ['error', 'error'],
    ['CRITICAL', 'error'],
    ['firing', 'error'],
    ['Warning', 'warning'],
    ['resolved', 'success'],
    ['OK', 'success'],
    ['update', 'info'],
    ['broken-ish', 'info'],
    ['失败', 'error'],
    ['恢复', 'success'],
  ];
  for (const [raw, want] of rows) it(`${raw} → ${want}`, () => expect(levelOf(raw, {})).toBe(want));
});
