// Forms: labelled fields, client-side checks before submit, and every API
// error shown next to the field it names (or above the submit button).
import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';
import type { Check } from '../validation';
import { check, generatePassword } from '../validation';
import { fieldForMessage, messageOf, type Nameable } from './errors';

export interface FieldSpec extends Nameable {
  initial?: string;
  checks?: Check[];
}

export type Values<K extends string> = Record<K, string>;

let formCounter = 0;

export function useForm<K extends string>(spec: Record<K, FieldSpec>) {
  const keys = Object.keys(spec) as K[];
  const initial = () => Object.fromEntries(keys.map((k) => [k, spec[k].initial ?? ''])) as Values<K>;
  const [values, setValues] = useState<Values<K>>(initial);
  // The values as typed, before the render that shows them: a submit that
  // comes right after the last keystroke (Enter, or a quick click) must not
  // see the previous render's values.
  const latest = useRef(values);
  const [errors, setErrors] = useState<Partial<Record<K, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const idBase = useRef(`f${++formCounter}`);

  const set = (k: K, v: string) => {
    latest.current = { ...latest.current, [k]: v };
    setValues(latest.current);
    if (errors[k]) setErrors((old) => ({ ...old, [k]: undefined }));
    // A message about the form as a whole is stale once the user edits.
    if (formError) setFormError(null);
  };

  const validate = (vals: Values<K>) => {
    const found: Partial<Record<K, string>> = {};
    for (const k of keys) {
      const m = check(vals[k], ...(spec[k].checks ?? []));
      if (m) found[k] = m;
    }
    return found;
  };

  // Puts a failure where it belongs: a field the message names, or the form.
  const fail = (e: unknown) => {
    const message = messageOf(e);
    const field = fieldForMessage(message, spec);
    if (field) setErrors((old) => ({ ...old, [field]: message }));
    else setFormError(message);
  };

  const submit =
    (action: (v: Values<K>) => Promise<unknown>) => async (e?: Event) => {
      e?.preventDefault();
      if (busy) return;
      setFormError(null);
      const current = latest.current;
      const found = validate(current);
      setErrors(found);
      const first = keys.find((k) => found[k]);
      if (first) {
        document.getElementById(`${idBase.current}-${first}`)?.focus();
        return;
      }
      setBusy(true);
      try {
        await action(current);
      } catch (err) {
        fail(err);
      } finally {
        setBusy(false);
      }
    };

  const reset = () => {
    latest.current = initial();
    setValues(latest.current);
    setErrors({});
    setFormError(null);
  };

  return { spec, values, errors, formError, busy, set, submit, reset, fail, id: (k: K) => `${idBase.current}-${k}` };
}

export type Form<K extends string> = ReturnType<typeof useForm<K>>;

interface TextFieldProps<K extends string> {
  form: Form<K>;
  name: K;
  type?: 'text' | 'password' | 'email' | 'number';
  autocomplete?: string;
  hint?: string;
  multiline?: boolean;
  placeholder?: string;
  // Id of a <datalist> of suggestions.
  list?: string;
  children?: ComponentChildren; // extra controls beside the input (e.g. Generate)
}

export function TextField<K extends string>(p: TextFieldProps<K>) {
  const id = p.form.id(p.name);
  const error = p.form.errors[p.name];
  const describedBy = [error ? `${id}-error` : '', p.hint ? `${id}-hint` : ''].filter(Boolean).join(' ');
  const common = {
    id,
    name: p.name,
    value: p.form.values[p.name],
    placeholder: p.placeholder,
    'aria-invalid': error ? ('true' as const) : undefined,
    'aria-describedby': describedBy || undefined,
    onInput: (e: Event) => p.form.set(p.name, (e.currentTarget as HTMLInputElement).value),
  };
  return (
    <div class={`field${error ? ' has-error' : ''}`}>
      <label for={id}>{p.form.spec[p.name].label}</label>
      <div class="field-row">
        {p.multiline ? (
          <textarea {...common} rows={3} />
        ) : (
          <input {...common} type={(p.type ?? 'text') as 'text'} autocomplete={p.autocomplete} list={p.list} />
        )}
        {p.children}
      </div>
      {p.hint && (
        <p class="hint" id={`${id}-hint`}>
          {p.hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

export function FormError({ message }: { message: string | null }) {
  return message ? (
    <p class="form-error" role="alert">
      {message}
    </p>
  ) : null;
}

export function Submit({ busy, children }: { busy: boolean; children: ComponentChildren }) {
  return (
    <button type="submit" class="primary" disabled={busy} aria-busy={busy}>
      {busy ? 'Working…' : children}
    </button>
  );
}

// Errors of row actions (delete, toggle ...), shown on the row they belong to.
export function useRowErrors() {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const run = async (row: string, action: () => Promise<unknown>) => {
    setErrors((old) => {
      const { [row]: _, ...rest } = old;
      return rest;
    });
    try {
      await action();
    } catch (e) {
      setErrors((old) => ({ ...old, [row]: messageOf(e) }));
    }
  };
  // Anything destructive asks first; "no" does nothing.
  const confirmed = (row: string, question: string, action: () => Promise<unknown>) =>
    run(row, async () => {
      if (window.confirm(question)) await action();
    });
  return { errors, run, confirmed };
}

export function RowError({ message }: { message?: string }) {
  return message ? (
    <p class="row-error" role="alert">
      {message}
    </p>
  ) : null;
}

// A password field with a Generate button (the generated one is shown, to
// be copied).
export function PasswordField<K extends string>({ form, name, hint }: { form: Form<K>; name: K; hint?: string }) {
  return (
    <TextField form={form} name={name} type="text" autocomplete="new-password" hint={hint}>
      <button type="button" onClick={() => form.set(name, generatePassword())}>
        Generate
      </button>
    </TextField>
  );
}

export function Checkbox({ checked, onChange, children }: { checked: boolean; onChange: (on: boolean) => void; children: ComponentChildren }) {
  return (
    <label class="check">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.currentTarget.checked)} />
      <span>{children}</span>
    </label>
  );
}
