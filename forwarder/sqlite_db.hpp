// Minimal RAII over the SQLite C API for the outbox: a connection and prepared statements that
// throw OutboxError with SQLite's message on any failure.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace forwarder::sqlite {

class Statement;

class Connection {
public:
    Connection(const std::string& path, int busy_timeout_ms);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    void exec(const char* sql);
    // Runs a statement that yields a single text value (e.g. PRAGMA journal_mode=WAL).
    std::string query_text(const char* sql);
    std::int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
    int changes() const { return sqlite3_changes(db_); }
    [[noreturn]] void fail(const std::string& what) const;
    sqlite3* handle() const { return db_; }

    // Prepared statements are kept per SQL text and reused: preparing cost about a tenth of the
    // milter's instructions per bounce. A statement in use is taken out of the cache, so two live
    // Statements never share one sqlite3_stmt.
    sqlite3_stmt* take_prepared(const std::string& sql);
    void give_back(const std::string& sql, sqlite3_stmt* stmt);

private:
    sqlite3* db_ = nullptr;
    std::string path_;
    std::unordered_map<std::string, sqlite3_stmt*> idle_statements_;
};

class Statement {
public:
    Statement(Connection& connection, const char* sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, std::int64_t value);
    // true while a row is available; false when done.
    bool step();
    void run() { while (step()) {} }
    void reset();

    std::int64_t int64(int column) const { return sqlite3_column_int64(stmt_, column); }
    std::string text(int column) const;

private:
    Connection& connection_;
    std::string sql_;
    sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN IMMEDIATE .. COMMIT; rolls back when destroyed uncommitted (an exception left the scope).
class Transaction {
public:
    explicit Transaction(Connection& connection);
    ~Transaction();
    void commit();

private:
    Connection& connection_;
    bool open_ = true;
};

}  // namespace forwarder::sqlite
