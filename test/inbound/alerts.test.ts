// Alertmanager and Grafana: one notice per webhook, a field per alert, dedup on group + status + fingerprints.
import { describe, expect, it } from 'vitest';
import { fixture, parse, render } from './helpers.js';

const firing = () => fixture('alertmanager', 'firing.json');

function alert(name: string, fp: string, severity?: string, status = 'firing') {
  return { status, labels: { alertname: name, instance: 'h1', ...(severity ? { severity } : {}) }, annotations: { summary: `${name} summary` }, startsAt: '2024-05-01T10:00:00Z', endsAt: '0001-01-01T00:00:00Z', fingerprint: fp };
}

describe('alertmanager dedup', () => {
  it('a repeat of the same group in the same state is a duplicate', async () => {
    expect((await parse('alertmanager', firing())).dedupKey).toBe((await parse('alertmanager', firing())).dedupKey);
  });
  it('the same group resolved is a new event', async () => {
    expect((await parse('alertmanager', fixture('alertmanager', 'resolved.json'))).dedupKey).not.toBe((await parse('alertmanager', firing())).dedupKey);
  });
  it('another alert joining the group is a new event; alert order does not matter', async () => {
    const a = { ...firing(), alerts: [alert('A', 'f1'), alert('B', 'f2')] };
    const b = { ...firing(), alerts: [alert('B', 'f2'), alert('A', 'f1')] };
    const c = { ...firing(), alerts: [alert('A', 'f1')] };
    const [ka, kb, kc] = await Promise.all([a, b, c].map(async (x) => (await parse('alertmanager', x)).dedupKey));
    expect(ka).toBe(kb);
    expect(ka).not.toBe(kc);
  });
});

describe('alertmanager notice', () => {
  it('lists each alert as a field, and says how many are not shown', async () => {
    const alerts = Array.from({ length: 23 }, (_, i) => alert(`A${i}`, `f${i}`, 'warning'));
    const n = await parse('alertmanager', { ...firing(), alerts, groupLabels: {}, commonLabels: {}, truncatedAlerts: 5 }, { timezone: 'UTC' });
    expect(n.fields).toHaveLength(21);
    expect(n.fields![0]).toEqual({ name: '[FIRING] A0 (h1)', value: 'A0 summary\nsince 2024-05-01 10:00 UTC' });
    expect(n.fields![20]).toEqual({ name: 'More', value: '8 more alert(s) not shown' });
    expect(n.title).toBe('[FIRING:23] Alertmanager');
  });
  it('writes its own words in the source locale, and its times in the source zone', async () => {
    const alerts = [...Array.from({ length: 20 }, (_, i) => alert(`A${i}`, `f${i}`)), alert('B', 'g', undefined, 'resolved')];
    alerts[20]!.endsAt = '2024-05-01T11:00:00Z';
    const n = await parse('alertmanager', { ...firing(), alerts, truncatedAlerts: 1 }, { locale: 'zh-CN', timezone: 'Asia/Shanghai' });
    expect(n.fields![0]).toEqual({ name: '[告警] A0 (h1)', value: 'A0 summary\n开始于 2024-05-01 18:00 UTC+8' });
    expect(n.fields![20]).toEqual({ name: '更多', value: '另有 2 条告警未显示' });
    const r = await parse('alertmanager', { ...firing(), alerts: [alerts[20]] }, { locale: 'zh-CN', timezone: 'Asia/Shanghai' });
    expect(r.fields![0]).toEqual({ name: '[已恢复] B (h1)', value: 'B summary\n恢复于 2024-05-01 19:00 UTC+8' });
    const custom = await parse('grafana', { receiver: 'x', status: 'firing' }, { locale: 'zh-CN' });
    expect(custom.title).toBe('Grafana 通知');
  });
  const levels: [string[], string][] = [
    [['critical'], 'error'],
    [['warning'], 'warning'],
    [['info'], 'info'],
    [['info', 'critical'], 'error'],
    [[], 'error'],
  ];
  for (const [sevs, want] of levels) {
    it(`severities ${JSON.stringify(sevs)} → ${want}`, async () => {
      const alerts = sevs.length ? sevs.map((s, i) => alert('X', `f${i}`, s)) : [alert('X', 'f0')];
      expect((await parse('alertmanager', { ...firing(), alerts })).level).toBe(want);
    });
  }
  it('alerts that are not a list are refused naming the field', async () => {
    await expect(parse('alertmanager', { ...firing(), alerts: 'many' })).rejects.toThrow(/alerts/);
  });
  it('the link keeps its URL intact through the template', async () => {
    const n = await parse('alertmanager', { ...firing(), externalURL: 'http://am:9093/#/alerts?x=(1)_a' });
    const link = render('alertmanager', n).msg.body.find((s) => s.kind === 'link');
    expect(link).toMatchObject({ kind: 'link', url: 'http://am:9093/#/alerts?x=%281%29_a' });
  });
});

describe('grafana', () => {
  it('unified alerting: the screenshot URL becomes the image', async () => {
    const body = fixture('grafana', 'docs-example.firing.json');
    body.alerts[1].imageURL = 'https://grafana.example.com/render/x.png';
    const n = await parse('grafana', body);
    expect(n.image).toEqual({ url: 'https://grafana.example.com/render/x.png' });
    expect(n.fields).toHaveLength(2);
    expect(n.vars).toMatchObject({ orgId: 1, state: 'alerting' });
  });
  it('a custom payload template is shown, not refused', async () => {
    const n = await parse('grafana', { title: 'My custom', message: 'hello', state: 'ok' });
    expect(n).toMatchObject({ event: 'custom', title: 'My custom', text: 'hello', level: 'success' });
  });
  it('legacy ok state is a success', async () => {
    const n = await parse('grafana', { ...fixture('grafana', 'legacy-alerting.json'), state: 'ok', title: '[OK] High CPU' });
    expect(n).toMatchObject({ event: 'legacy.ok', level: 'success' });
    expect(render('grafana', n, 'zh-CN').body).toContain('打开规则');
  });
});
