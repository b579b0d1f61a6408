#include "forwarder/redis_sink.hpp"

#include "forwarder/log.hpp"

#include <hiredis/hiredis.h>

#include <memory>

namespace forwarder {
namespace {

struct ReplyDeleter {
    void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

Reply command(redisContext* c, const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<size_t> lengths;
    for (const auto& a : args) {
        argv.push_back(a.data());
        lengths.push_back(a.size());
    }
    return Reply(static_cast<redisReply*>(
        redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lengths.data())));
}

std::string reply_error(const redisReply* r) {
    return r && r->type == REDIS_REPLY_ERROR ? std::string(r->str, r->len) : std::string();
}

timeval to_timeval(std::chrono::milliseconds ms) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
    return tv;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> redis_fields(const Event& event) {
    const nlohmann::json body = listmonk_body(event);
    return {
        {"email", body.value("email", std::string())},
        {"subscriber_uuid", body.value("subscriber_uuid", std::string())},
        {"campaign_uuid", body.value("campaign_uuid", std::string())},
        {"type", event.type},
        {"source", body.value("source", std::string())},
        {"created_at", event.created_at},
        {"meta", dump_json(body["meta"])},
        {"idempotency_key", event.idempotency_key},
    };
}

RedisSink::RedisSink(RedisSinkOptions options) : options_(std::move(options)) {}

RedisSink::~RedisSink() { disconnect(); }

void RedisSink::disconnect() {
    if (context_) redisFree(static_cast<redisContext*>(context_));
    context_ = nullptr;
}

DeliveryResult RedisSink::connect() {
    std::string error;
    auto endpoint = conf::parse_redis_url(options_.url, error);
    if (!endpoint) return DeliveryResult::retry(error, true);
    if (!options_.password.empty()) endpoint->password = options_.password;
    redisContext* c = redisConnectWithTimeout(endpoint->host.c_str(), endpoint->port, to_timeval(options_.timeout));
    if (!c || c->err) {
        std::string why = c ? c->errstr : "out of memory";
        if (c) redisFree(c);
        return DeliveryResult::retry("redis connect " + endpoint->host + ":" + std::to_string(endpoint->port) + ": " + why);
    }
    redisSetTimeout(c, to_timeval(options_.timeout));
    context_ = c;
    if (!endpoint->password.empty()) {
        std::vector<std::string> auth{"AUTH"};
        if (!endpoint->username.empty()) auth.push_back(endpoint->username);
        auth.push_back(endpoint->password);
        Reply r = command(c, auth);
        if (!r || reply_error(r.get()).size()) {
            std::string why = r ? reply_error(r.get()) : std::string(c->errstr);
            disconnect();
            return DeliveryResult::retry("redis AUTH failed: " + why, true);
        }
    }
    if (endpoint->db != 0) {
        Reply r = command(c, {"SELECT", std::to_string(endpoint->db)});
        if (!r || reply_error(r.get()).size()) {
            std::string why = r ? reply_error(r.get()) : std::string(c->errstr);
            disconnect();
            return DeliveryResult::retry("redis SELECT failed: " + why, true);
        }
    }
    return DeliveryResult::ok();
}

DeliveryResult RedisSink::deliver(const Event& event) noexcept {
    try {
        if (!context_) {
            DeliveryResult connected = connect();
            if (connected.kind != DeliveryResult::Kind::delivered) return connected;
        }
        auto* c = static_cast<redisContext*>(context_);
        std::vector<std::string> args{"XADD", options_.stream};
        if (options_.maxlen > 0) {
            args.insert(args.end(), {"MAXLEN", "~", std::to_string(options_.maxlen)});
        }
        args.push_back("*");
        for (auto& [field, value] : redis_fields(event)) {
            args.push_back(field);
            args.push_back(value);
        }
        Reply r = command(c, args);
        if (!r) {
            // The connection is unusable after an I/O error or timeout; the entry may or may not have
            // been added, so the retry can duplicate it: consumers dedup on idempotency_key.
            std::string why = c->errstr;
            disconnect();
            return DeliveryResult::retry("redis XADD: " + why);
        }
        if (r->type == REDIS_REPLY_ERROR) {
            std::string why = reply_error(r.get());
            const bool config = why.rfind("WRONGTYPE", 0) == 0 || why.rfind("NOAUTH", 0) == 0 ||
                                why.rfind("NOPERM", 0) == 0;
            if (why.rfind("LOADING", 0) != 0 && !config) disconnect();
            return DeliveryResult::retry("redis XADD: " + why, config);
        }
        return DeliveryResult::ok();
    } catch (const std::exception& e) {
        disconnect();
        return DeliveryResult::retry(std::string("redis sink: ") + e.what());
    }
}

DeliveryResult RedisSink::probe() noexcept {
    try {
        disconnect();
        if (DeliveryResult connected = connect(); connected.kind != DeliveryResult::Kind::delivered) return connected;
        auto* c = static_cast<redisContext*>(context_);
        Reply r = command(c, {"TYPE", options_.stream});
        if (!r || r->type == REDIS_REPLY_ERROR) {
            std::string why = r ? reply_error(r.get()) : std::string(c->errstr);
            disconnect();
            return DeliveryResult::retry("redis TYPE " + options_.stream + ": " + why, true);
        }
        const std::string type(r->str ? r->str : "", r->str ? r->len : 0);
        disconnect();
        if (type != "stream" && type != "none")
            return DeliveryResult::retry("redis key " + options_.stream + " is a " + type + ", not a stream", true);
        return DeliveryResult::ok();
    } catch (const std::exception& e) {
        disconnect();
        return DeliveryResult::retry(std::string("redis sink: ") + e.what());
    }
}

}  // namespace forwarder
