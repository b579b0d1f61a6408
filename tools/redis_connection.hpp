// One synchronous hiredis connection for tools that talk to Redis directly (bounce-drain): connects
// lazily from a redis:// URL (AUTH with ACL user, SELECT db), and drops the connection after any I/O
// error so the next command reconnects.
#pragma once

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

struct redisReply;
struct redisContext;

namespace tools {

struct RedisError : std::runtime_error {
    // true: the server was unreachable or the connection broke (retry after a pause);
    // false: the server answered with an error reply (the command itself was refused).
    bool connection;
    RedisError(const std::string& message, bool connection_problem)
        : std::runtime_error(message), connection(connection_problem) {}
};

struct ReplyDeleter {
    void operator()(redisReply* reply) const noexcept;
};
using RedisReply = std::unique_ptr<redisReply, ReplyDeleter>;

class RedisConnection {
public:
    // `timeout` bounds connecting and every command; a blocking command must block for less.
    // `password`, when set, replaces the URL's.
    RedisConnection(std::string url, std::chrono::milliseconds timeout, std::string password = {});
    ~RedisConnection();
    RedisConnection(const RedisConnection&) = delete;
    RedisConnection& operator=(const RedisConnection&) = delete;

    // Runs one command (binary-safe arguments). Throws RedisError for connection problems and for
    // error replies; never returns an error reply.
    RedisReply command(const std::vector<std::string>& args);
    void disconnect() noexcept;
    bool connected() const noexcept { return context_ != nullptr; }

private:
    void connect();

    std::string url_;
    std::chrono::milliseconds timeout_;
    std::string password_;
    redisContext* context_ = nullptr;
};

}  // namespace tools
