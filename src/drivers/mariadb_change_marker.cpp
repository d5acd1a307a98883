#include "drivers/mariadb_change_marker.h"

#include "base/secrets.h"

namespace wsp {

namespace {

// One information_schema query per kind of definition; `%s` is the quoted
// schema name. Every row goes into the marker in this order.
// The first also says, in its last column, whether a table's UPDATE_TIME
// cannot be trusted (header): NOW() is that statement's own time, so a
// change after it gets a later UPDATE_TIME than any it read.
constexpr const char* kDefinitionQueries[] = {
    "SELECT TABLE_NAME, TABLE_TYPE, ENGINE, CREATE_TIME, UPDATE_TIME, TABLE_TYPE <> 'VIEW' AND "
    "(UPDATE_TIME IS NULL OR UPDATE_TIME >= NOW() - INTERVAL 1 SECOND) FROM "
    "information_schema.TABLES WHERE TABLE_SCHEMA = %s ORDER BY TABLE_NAME",
    "SELECT TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, "
    "EXTRA, COLLATION_NAME, COLUMN_COMMENT, GENERATION_EXPRESSION FROM information_schema.COLUMNS "
    "WHERE TABLE_SCHEMA = %s ORDER BY TABLE_NAME, ORDINAL_POSITION",
    "SELECT TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE, SUB_PART, INDEX_TYPE "
    "FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = %s "
    "ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
    "SELECT TABLE_NAME, VIEW_DEFINITION, CHECK_OPTION, SECURITY_TYPE, DEFINER FROM "
    "information_schema.VIEWS WHERE TABLE_SCHEMA = %s ORDER BY TABLE_NAME",
    "SELECT ROUTINE_NAME, ROUTINE_TYPE, CREATED, LAST_ALTERED, ROUTINE_DEFINITION, DEFINER FROM "
    "information_schema.ROUTINES WHERE ROUTINE_SCHEMA = %s ORDER BY ROUTINE_TYPE, ROUTINE_NAME",
    "SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, CREATED, "
    "ACTION_STATEMENT, DEFINER FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = %s "
    "ORDER BY TRIGGER_NAME",
    "SELECT EVENT_NAME, CREATED, LAST_ALTERED, STATUS, EVENT_DEFINITION FROM "
    "information_schema.EVENTS WHERE EVENT_SCHEMA = %s ORDER BY EVENT_NAME",
};

std::string with_schema(const char* query, const std::string& schema) {
    std::string sql = query;
    for (auto at = sql.find("%s"); at != std::string::npos; at = sql.find("%s", at + schema.size()))
        sql.replace(at, 2, schema);
    return sql;
}

// Appends a row unambiguously: each field's length, then its bytes (NULL
// is its own mark), so no two different rows read the same.
void append_row(std::string& out, const SqlRow& row) {
    for (const auto& field : row) {
        if (!field) {
            out += "N;";
            continue;
        }
        out += std::to_string(field->size()) + ':' + *field + ';';
    }
    out += '\n';
}

}  // namespace

Result<std::optional<std::string>> database_change_marker(MariadbAdmin& admin, const SqlName& db) {
    const std::string schema = quote_literal(db);
    std::string all;
    bool tables = true;
    for (const char* query : kDefinitionQueries) {
        TRY(auto rows, admin.query(with_schema(query, schema)));
        for (const auto& row : rows) {
            if (tables && (row.empty() || row.back() != "0")) return std::optional<std::string>();
            append_row(all, row);
        }
        all += "--\n";
        tables = false;
    }
    return std::optional(sha256_hex(all));
}

}  // namespace wsp
