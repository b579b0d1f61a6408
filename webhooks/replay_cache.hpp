// Remembers single-use values (e.g. Mailgun tokens) until they could no longer pass the freshness
// window anyway. Bounded: when full, the entries closest to expiry are dropped first.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

namespace webhooks {

class ReplayCache {
public:
    explicit ReplayCache(std::size_t capacity = 200000) : capacity_(capacity) {}

    bool seen(const std::string& value, std::int64_t now);
    void remember(const std::string& value, std::int64_t expires_at, std::int64_t now);

private:
    void purge(std::int64_t now);

    std::size_t capacity_;
    std::mutex mutex_;
    std::unordered_map<std::string, std::int64_t> expiry_;
    std::multimap<std::int64_t, std::string> by_expiry_;
};

}  // namespace webhooks
