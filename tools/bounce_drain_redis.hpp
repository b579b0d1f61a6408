// DrainStore on a real Redis (>= 6.2 for XAUTOCLAIM): consumer-group reads, claims, acks, the
// dead-letter stream and the idempotency markers, over one reconnecting hiredis connection.
#pragma once

#include "tools/bounce_drain_store.hpp"
#include "tools/redis_connection.hpp"

#include <cstddef>
#include <string>

namespace tools {

struct RedisDrainStoreOptions {
    std::string url;
    std::string stream;
    std::string group;
    std::string consumer;
    std::string dead_letter_stream;
    std::size_t dead_letter_maxlen = 1000000;  // approximate; 0 = unbounded
    std::chrono::milliseconds timeout{5000};
    std::string password;  // when set, replaces the URL's ([redis] password_file)
};

class RedisDrainStore final : public DrainStore {
public:
    explicit RedisDrainStore(RedisDrainStoreOptions options);

    void ensure_group() override;
    std::vector<StreamEntry> read_new(std::size_t count, std::chrono::milliseconds block) override;
    std::vector<StreamEntry> read_own_pending(const std::string& after_id, std::size_t count) override;
    ClaimPage autoclaim(std::chrono::milliseconds min_idle, const std::string& cursor, std::size_t count) override;
    void ack(const std::string& id) override;
    void dead_letter(const StreamEntry& entry, const std::string& reason) override;
    std::size_t forget_idle_consumers(std::chrono::milliseconds min_idle) override;
    BeginResult begin(const std::string& key, std::chrono::seconds lease) override;
    void finish(const std::string& key, std::chrono::seconds ttl) override;
    void abandon(const std::string& key) override;

private:
    RedisDrainStoreOptions options_;
    RedisConnection redis_;
    std::string lease_token_;  // "pending:<consumer>:<pid>:<nonce>"
};

}  // namespace tools
