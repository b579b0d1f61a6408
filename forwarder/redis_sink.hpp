// Appends events to a Redis stream (XADD, approximate MAXLEN) with hiredis, one field per attribute,
// for bounce-drain or any other consumer group. Reconnects after every connection error.
#pragma once

#include "conf/redis_url.hpp"
#include "forwarder/sink.hpp"

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace forwarder {

struct RedisSinkOptions {
    std::string url = "redis://127.0.0.1:6379/0";
    std::string stream = "listmonk:bounces";
    std::size_t maxlen = 1000000;  // 0 = unbounded
    std::chrono::milliseconds timeout{5000};
    std::string password;  // when set, replaces the URL's ([redis] password_file)
};

// The stream entry's fields: email, subscriber_uuid, campaign_uuid, type, source, created_at,
// meta (JSON text), idempotency_key. Empty values are kept so consumers see a fixed shape.
std::vector<std::pair<std::string, std::string>> redis_fields(const Event& event);

class RedisSink final : public Sink {
public:
    explicit RedisSink(RedisSinkOptions options);
    ~RedisSink() override;
    const std::string& name() const override { return name_; }
    DeliveryResult deliver(const Event& event) noexcept override;
    // Connects (AUTH, SELECT) and checks the stream key is a stream or absent; writes nothing.
    DeliveryResult probe() noexcept;

private:
    DeliveryResult connect();
    void disconnect();

    std::string name_ = "redis";
    RedisSinkOptions options_;
    void* context_ = nullptr;  // redisContext*
};

}  // namespace forwarder
