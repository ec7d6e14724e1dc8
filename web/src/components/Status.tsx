import { useT } from '../context.js';

export function ErrorLine({ error }: { error?: string }) {
  const { t } = useT();
  return error ? <p class="error" role="alert">{t('common.error', { message: error })}</p> : null;
}

export function Loading() {
  const { t } = useT();
  return <p class="muted">{t('common.loading')}</p>;
}

export function HealthBadge({ state, reason }: { state: string; reason?: string }) {
  const { t } = useT();
  const label = (['ok', 'starting', 'unhealthy', 'stopped'] as const).includes(state as 'ok') ? t(`health.${state as 'ok'}`) : state;
  return (
    <span class={`badge health-${state}`} title={reason}>
      {label}
      {reason ? <span class="reason"> — {reason}</span> : null}
    </span>
  );
}

export function StateBadge({ state }: { state: 'pending' | 'sending' | 'sent' | 'dead' | 'muted' }) {
  const { t } = useT();
  return <span class={`badge state-${state}`}>{t(`state.${state}`)}</span>;
}
