// The one shape of every list page: loading/error/empty state, a table with
// labelled columns (cells carry data-label for the phone layout), and
// client-side pages of 25 rows.
import type { ComponentChildren } from 'preact';
import { LoadState } from './page';
import { Pager, usePaged } from './pager';

export function ListTable<T>({
  label,
  list,
  items,
  columns,
  row,
}: {
  // Names the pager ("<label> pages").
  label: string;
  // The load's state (useLoad).
  list: { loading: boolean; error: string | null };
  // What the table shows; null until loaded (then an empty list reads
  // "Nothing here yet").
  items: T[] | null | undefined;
  // Column headers; `false` leaves a column out (e.g. Owner for non-admins).
  columns: (string | false)[];
  // One <tr> per item, with a key.
  row: (item: T) => ComponentChildren;
}) {
  const paged = usePaged(items);
  return (
    <>
      <LoadState loading={list.loading} error={list.error} empty={items?.length === 0} />
      {items && items.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                {columns.filter((c): c is string => c !== false).map((c) => (
                  <th scope="col" key={c}>
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>{paged.rows.map(row)}</tbody>
          </table>
        </div>
      )}
      <Pager label={label} paged={paged} />
    </>
  );
}
