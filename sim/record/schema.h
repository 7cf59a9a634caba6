#pragma once
// The SQLite schema of a kafkasim recording (`kafkasim run --record run.sqlite`). docs/recording.md
// documents every table and column and answers common questions with SQL.
//
// Identification: PRAGMA application_id = kApplicationId ("kfks") and PRAGMA user_version =
// kSchemaVersion; the `meta` table repeats the version and holds the run info. A reader refuses a file
// with another application_id (not a recording) or another version.
// Bump kSchemaVersion on any change of a table or a column's meaning. Version 2 added the `commands`
// table (the commands a session applied); a version 1 recording reads as one with no commands.
#include <cstdint>

namespace kafkasim::record {

inline constexpr std::int32_t kApplicationId = 0x6b666b73;  // "kfks"
inline constexpr std::int32_t kSchemaVersion = 2;
inline constexpr std::int32_t kOldestSchemaVersionRead = 1;

// CREATE TABLE statements for every table, in one script.
extern const char* const kSchemaSql;
// Indexes created by Recorder::finish (after the bulk of the inserts, so inserts stay fast).
extern const char* const kIndexSql;

}  // namespace kafkasim::record
