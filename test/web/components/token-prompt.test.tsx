/**
 * The viewer token prompt. When it is shown (once; again after a refusal) is the app's: app.test.tsx,
 * and test/browser/share-and-look.int.test.ts against the real gateway.
 */
import { fireEvent, render } from '@solidjs/testing-library';
import { describe, expect, it, vi } from 'vitest';
import { TokenPrompt } from '../../../web/src/components/TokenPrompt';

function renderPrompt(rejected = false) {
  const onSubmit = vi.fn<(token: string) => void>();
  const result = render(() => <TokenPrompt rejected={rejected} onSubmit={onSubmit} />);
  const input = result.getByLabelText('Viewer token') as HTMLInputElement;
  const connect = result.getByRole('button', { name: 'Connect' }) as HTMLButtonElement;
  return { ...result, onSubmit, input, connect };
}

describe('TokenPrompt', () => {
  it('asks for the token in a focused password field, Connect disabled until something is typed', () => {
    const { input, connect, onSubmit } = renderPrompt();

    expect(document.activeElement).toBe(input);
    expect(input.type).toBe('password');
    expect(connect.disabled).toBe(true);

    fireEvent.input(input, { target: { value: '   ' } });
    expect(connect.disabled).toBe(true);
    fireEvent.submit(connect.form!);
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('hands over the token typed, without the spaces around it, once per submit', () => {
    const { input, connect, onSubmit } = renderPrompt();

    fireEvent.input(input, { target: { value: '  5c0f12ab.Qm9secret  ' } });
    expect(connect.disabled).toBe(false);
    fireEvent.submit(connect.form!);

    expect(onSubmit).toHaveBeenCalledTimes(1);
    expect(onSubmit).toHaveBeenCalledWith('5c0f12ab.Qm9secret');
  });

  it('says the previous token was refused when it was', () => {
    expect(renderPrompt(true).getByText(/The previous token was refused/)).toBeTruthy();
  });

  it('says nothing about a refusal the first time it asks', () => {
    const { queryByText } = renderPrompt(false);

    expect(queryByText(/refused/)).toBeNull();
  });
});
