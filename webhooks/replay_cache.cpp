#include "webhooks/replay_cache.hpp"

namespace webhooks {

ReplayCache::Claim ReplayCache::claim(const std::string& value, const std::string& body_digest,
                                      std::int64_t expires_at, std::int64_t now) {
    std::lock_guard lock(mutex_);
    purge(now);
    const auto it = entries_.find(value);
    if (it != entries_.end()) {
        if (it->second.body_digest != body_digest) return Claim::other_body;
        return it->second.stored ? Claim::used : Claim::retry;
    }
    while (entries_.size() >= capacity_ && !by_expiry_.empty()) {
        entries_.erase(by_expiry_.begin()->second);
        by_expiry_.erase(by_expiry_.begin());
    }
    entries_.emplace(value, Entry{expires_at, body_digest});
    by_expiry_.emplace(expires_at, value);
    return Claim::fresh;
}

void ReplayCache::mark_stored(const std::string& value) {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(value);
    if (it != entries_.end()) it->second.stored = true;
}

bool ReplayCache::seen(const std::string& value, std::int64_t now) {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(value);
    return it != entries_.end() && it->second.stored && it->second.expires_at >= now;
}

void ReplayCache::remember(const std::string& value, std::int64_t expires_at, std::int64_t now) {
    if (claim(value, std::string(), expires_at, now) != Claim::other_body) mark_stored(value);
}

void ReplayCache::purge(std::int64_t now) {
    while (!by_expiry_.empty() && by_expiry_.begin()->first < now) {
        entries_.erase(by_expiry_.begin()->second);
        by_expiry_.erase(by_expiry_.begin());
    }
}

}  // namespace webhooks
