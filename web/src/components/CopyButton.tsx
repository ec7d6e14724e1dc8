import { useState } from 'preact/hooks';
import { useT } from '../context.js';

/** Copies `text`; falls back to selecting it where the Clipboard API is not allowed (plain http). */
export function CopyButton({ text }: { text: string }) {
  const { t } = useT();
  const [done, setDone] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      const area = document.createElement('textarea');
      area.value = text;
      document.body.appendChild(area);
      area.select();
      document.execCommand('copy');
      area.remove();
    }
    setDone(true);
    setTimeout(() => setDone(false), 1500);
  };
  return (
    <button type="button" class="small" onClick={copy} data-copy={text}>
      {done ? t('sources.copied') : t('sources.copy')}
    </button>
  );
}
