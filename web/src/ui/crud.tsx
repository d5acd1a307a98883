// The skeleton every list page shares (issue 15): the row's action buttons
// with the row's error under them, the one edit panel open at a time, and
// a form's Save/Cancel (edit) or its submit button alone (create).
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { FormError, RowError, Submit } from './form';

export interface RowAction {
  label: string;
  // The accessible name, which says which row: "Edit alice".
  aria: string;
  onClick: () => unknown;
  danger?: boolean;
}

// The Actions cell; `false` leaves an action out (e.g. Delete for `default`).
export function RowActions({ actions, error }: { actions: (RowAction | false)[]; error?: string }) {
  return (
    <td data-label="Actions" class="actions">
      {actions
        .filter((a): a is RowAction => a !== false)
        .map((a) => (
          <button key={a.aria} type="button" class={a.danger ? 'danger' : undefined} onClick={a.onClick} aria-label={a.aria}>
            {a.label}
          </button>
        ))}
      <RowError message={error} />
    </td>
  );
}

// The item being edited (null: no panel). `done` is what an edit form's
// onDone gets: it closes the panel and reloads the list when something
// changed.
export function useEditor<T>(reload: () => unknown) {
  const [editing, setEditing] = useState<T | null>(null);
  return {
    editing,
    edit: (item: T) => setEditing(item),
    close: () => setEditing(null),
    done: async (changed: boolean) => {
      setEditing(null);
      if (changed) await reload();
    },
  };
}

// A form's end: the error that names no field, then Save and Cancel when
// `onCancel` is given (an edit), else the submit button alone (a create).
export function FormButtons({ form, onCancel, children }: { form: { busy: boolean; formError: string | null }; onCancel?: () => unknown; children: ComponentChildren }) {
  const submit = <Submit busy={form.busy}>{children}</Submit>;
  return (
    <>
      <FormError message={form.formError} />
      {onCancel ? (
        <div class="buttons">
          {submit}
          <button type="button" onClick={() => onCancel()}>
            Cancel
          </button>
        </div>
      ) : (
        submit
      )}
    </>
  );
}
