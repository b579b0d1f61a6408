#include "webhooks/replay_cache.hpp"

namespace webhooks {

bool ReplayCache::seen(const std::string& value, std::int64_t now) {
    std::lock_guard lock(mutex_);
    const auto it = expiry_.find(value);
    return it != expiry_.end() && it->second >= now;
}

void ReplayCache::remember(const std::string& value, std::int64_t expires_at, std::int64_t now) {
    std::lock_guard lock(mutex_);
    purge(now);
    while (expiry_.size() >= capacity_ && !by_expiry_.empty()) {
        expiry_.erase(by_expiry_.begin()->second);
        by_expiry_.erase(by_expiry_.begin());
    }
    if (expiry_.emplace(value, expires_at).second) by_expiry_.emplace(expires_at, value);
}

void ReplayCache::purge(std::int64_t now) {
    while (!by_expiry_.empty() && by_expiry_.begin()->first < now) {
        expiry_.erase(by_expiry_.begin()->second);
        by_expiry_.erase(by_expiry_.begin());
    }
}

}  // namespace webhooks
