#pragma once
// A marker of a database's contents that changes whenever its data or its
// definitions may have changed, so a backup can skip the dump of a database
// that is the same as in the last run (docs/backups.md, "Unchanged
// databases"). Read from information_schema only: a few cheap queries, no
// table data.
#include <optional>
#include <string>

#include "drivers/mariadb_admin.h"
#include "drivers/sql_ident.h"

namespace wsp {

// The marker of `db`, or nullopt when it cannot be trusted and the
// database must be dumped:
//  - a base table's UPDATE_TIME is NULL: InnoDB keeps it in memory only,
//    so it is NULL after a server restart, or when the table left the
//    dictionary cache, even though the table may have changed;
//  - a table changed in this second or the one before: a change later in
//    the same second would not move UPDATE_TIME (whole seconds).
// Otherwise a sha256 over every table's engine, creation and update times
// and the definitions of columns, indexes, views, routines, triggers and
// events: whatever mariadb-dump writes that could differ.
Result<std::optional<std::string>> database_change_marker(MariadbAdmin& admin, const SqlName& db);

}  // namespace wsp
