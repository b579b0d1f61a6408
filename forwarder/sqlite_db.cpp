#include "forwarder/sqlite_db.hpp"

#include "forwarder/outbox.hpp"
#include "forwarder/owned_file.hpp"

namespace forwarder::sqlite {

Connection::Connection(const std::string& path, int busy_timeout_ms) : path_(path) {
    // SQLite would create the file 0644 minus the umask; made here first, 0640 exactly, and SQLite gives
    // its -wal and -shm files the database file's mode.
    if (!path.empty() && path.front() != ':' && !path.starts_with("file:")) {
        std::string error;
        if (!create_owned_file(path, 0640, error)) throw OutboxError("outbox " + path + ": " + error);
    }
    const int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                   nullptr);
    if (rc != SQLITE_OK) {
        std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
        sqlite3_close(db_);
        db_ = nullptr;
        throw OutboxError("outbox " + path + ": cannot open: " + message);
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, busy_timeout_ms);
}

Connection::~Connection() {
    for (auto& [sql, stmt] : idle_statements_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
}

sqlite3_stmt* Connection::take_prepared(const std::string& sql) {
    if (auto it = idle_statements_.find(sql); it != idle_statements_.end()) {
        sqlite3_stmt* stmt = it->second;
        idle_statements_.erase(it);
        return stmt;
    }
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
        sqlite3_finalize(stmt);
        fail("prepare failed");
    }
    return stmt;
}

void Connection::give_back(const std::string& sql, sqlite3_stmt* stmt) {
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    if (!idle_statements_.emplace(sql, stmt).second) sqlite3_finalize(stmt);
}

void Connection::fail(const std::string& what) const {
    throw OutboxError("outbox " + path_ + ": " + what + ": " + sqlite3_errmsg(db_));
}

void Connection::exec(const char* sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
        std::string message = error ? error : sqlite3_errmsg(db_);
        sqlite3_free(error);
        throw OutboxError("outbox " + path_ + ": " + message + " (in: " + std::string(sql).substr(0, 60) + ")");
    }
}

std::string Connection::query_text(const char* sql) {
    Statement statement(*this, sql);
    return statement.step() ? statement.text(0) : std::string();
}

Statement::Statement(Connection& connection, const char* sql)
    : connection_(connection), sql_(sql), stmt_(connection.take_prepared(sql_)) {}

Statement::~Statement() { connection_.give_back(sql_, stmt_); }

Statement& Statement::bind(int index, std::string_view text) {
    if (sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT) != SQLITE_OK) {
        connection_.fail("bind failed");
    }
    return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
    if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) connection_.fail("bind failed");
    return *this;
}

bool Statement::step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    connection_.fail("statement failed");
}

void Statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

std::string Statement::text(int column) const {
    const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    return data ? std::string(data, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))) : std::string();
}

Transaction::Transaction(Connection& connection) : connection_(connection) { connection_.exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
    if (open_) sqlite3_exec(connection_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
    connection_.exec("COMMIT");
    open_ = false;
}

}  // namespace forwarder::sqlite
