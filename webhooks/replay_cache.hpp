// Remembers single-use values (e.g. Mailgun tokens) until they could no longer pass the freshness
// window anyway. A value is claimed together with a digest of the body it arrived with the moment its
// signature verifies, so the same signature block can never carry a different body, whatever became of
// the first request; only the identical body may come again, and only until it was stored (a provider
// retrying after our 503). Bounded: when full, the entries closest to expiry are dropped first.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

namespace webhooks {

class ReplayCache {
public:
    enum class Claim { fresh, retry, used, other_body };

    explicit ReplayCache(std::size_t capacity = 200000) : capacity_(capacity) {}

    // fresh: first sight; retry: same body again, not yet stored; used: same body, already stored;
    // other_body: the value was claimed with a different body.
    Claim claim(const std::string& value, const std::string& body_digest, std::int64_t expires_at, std::int64_t now);
    // The request that claimed `value` has been stored: a later identical request is a replay.
    void mark_stored(const std::string& value);

    // For values whose whole body is signed (Postal's uuid): no claim needed, only "stored before?".
    bool seen(const std::string& value, std::int64_t now);
    void remember(const std::string& value, std::int64_t expires_at, std::int64_t now);

private:
    struct Entry {
        std::int64_t expires_at;
        std::string body_digest;
        bool stored = false;
    };
    void purge(std::int64_t now);

    std::size_t capacity_;
    std::mutex mutex_;
    std::unordered_map<std::string, Entry> entries_;
    std::multimap<std::int64_t, std::string> by_expiry_;
};

}  // namespace webhooks
