#include "tools/redis_connection.hpp"

#include "conf/redis_url.hpp"

#include <hiredis/hiredis.h>

namespace tools {
namespace {

timeval to_timeval(std::chrono::milliseconds ms) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
    return tv;
}

RedisReply run(redisContext* context, const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<size_t> lengths;
    argv.reserve(args.size());
    lengths.reserve(args.size());
    for (const auto& a : args) {
        argv.push_back(a.data());
        lengths.push_back(a.size());
    }
    return RedisReply(static_cast<redisReply*>(
        redisCommandArgv(context, static_cast<int>(argv.size()), argv.data(), lengths.data())));
}

}  // namespace

void ReplyDeleter::operator()(redisReply* reply) const noexcept {
    if (reply) freeReplyObject(reply);
}

RedisConnection::RedisConnection(std::string url, std::chrono::milliseconds timeout, std::string password)
    : url_(std::move(url)), timeout_(timeout), password_(std::move(password)) {}

RedisConnection::~RedisConnection() { disconnect(); }

void RedisConnection::disconnect() noexcept {
    if (context_) redisFree(context_);
    context_ = nullptr;
}

void RedisConnection::connect() {
    std::string error;
    auto endpoint = conf::parse_redis_url(url_, error);
    if (!endpoint) throw RedisError("redis url: " + error, false);
    if (!password_.empty()) endpoint->password = password_;
    redisContext* c = redisConnectWithTimeout(endpoint->host.c_str(), endpoint->port, to_timeval(timeout_));
    if (!c || c->err) {
        const std::string why = c ? c->errstr : "out of memory";
        if (c) redisFree(c);
        throw RedisError("redis connect " + endpoint->host + ":" + std::to_string(endpoint->port) + ": " + why, true);
    }
    redisSetTimeout(c, to_timeval(timeout_));
    context_ = c;
    try {
        if (!endpoint->password.empty()) {
            std::vector<std::string> auth{"AUTH"};
            if (!endpoint->username.empty()) auth.push_back(endpoint->username);
            auth.push_back(endpoint->password);
            command(auth);
        }
        if (endpoint->db != 0) command({"SELECT", std::to_string(endpoint->db)});
    } catch (...) {
        // Never keep a connection that is not authenticated or on the wrong database.
        disconnect();
        throw;
    }
}

RedisReply RedisConnection::command(const std::vector<std::string>& args) {
    if (!context_) connect();
    RedisReply reply = run(context_, args);
    if (!reply) {
        // After an I/O error or timeout hiredis cannot tell where the stream stands: start afresh.
        const std::string why = context_->errstr;
        disconnect();
        throw RedisError("redis " + (args.empty() ? std::string() : args[0]) + ": " + why, true);
    }
    if (reply->type == REDIS_REPLY_ERROR) {
        const std::string why(reply->str, reply->len);
        // A server still loading its dataset answers every command with LOADING: wait like a disconnect.
        const bool transient = why.rfind("LOADING", 0) == 0 || why.rfind("BUSY ", 0) == 0;
        throw RedisError("redis " + args[0] + ": " + why, transient);
    }
    return reply;
}

}  // namespace tools
