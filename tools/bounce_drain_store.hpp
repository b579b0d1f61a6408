// What bounce-drain needs from Redis, as an interface so the drain's decisions (ack, dead-letter,
// dedup, backoff) can be tested without a server. The real implementation is RedisDrainStore.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace tools {

using StreamFields = std::vector<std::pair<std::string, std::string>>;

struct StreamEntry {
    std::string id;
    StreamFields fields;
    bool deleted = false;  // still pending in the group but trimmed from the stream (MAXLEN)
};

struct ClaimPage {
    std::string next_cursor = "0-0";  // "0-0": the scan of the pending list is complete
    std::vector<StreamEntry> entries;
};

// The per-event idempotency marker's state when a drain wants to post the event.
enum class BeginResult {
    acquired,  // nobody posted it (or a previous poster's lease expired): we hold the lease now
    done,      // already posted successfully: acknowledge without posting
    busy,      // another drain holds a live lease on it: leave it pending and look again later
};

// Every method throws RedisError (tools/redis_connection.hpp) when Redis cannot be used.
class DrainStore {
public:
    virtual ~DrainStore() = default;
    // Creates the consumer group (and the stream) when missing, starting at the stream's beginning so
    // entries written before the first drain started are not skipped.
    virtual void ensure_group() = 0;
    // Entries never delivered to any consumer of the group (XREADGROUP ... >), waiting up to `block`.
    virtual std::vector<StreamEntry> read_new(std::size_t count, std::chrono::milliseconds block) = 0;
    // Entries already delivered to this consumer and not acknowledged, with ids after `after_id`.
    virtual std::vector<StreamEntry> read_own_pending(const std::string& after_id, std::size_t count) = 0;
    // Takes over entries that other consumers left unacknowledged for longer than `min_idle` (XAUTOCLAIM).
    virtual ClaimPage autoclaim(std::chrono::milliseconds min_idle, const std::string& cursor, std::size_t count) = 0;
    virtual void ack(const std::string& id) = 0;
    // Appends the entry with `reason` to the dead-letter stream.
    virtual void dead_letter(const StreamEntry& entry, const std::string& reason) = 0;

    // Removes consumers of the group that have nothing pending and have not read for `min_idle`
    // (drains that stopped; every restart under the default host-pid name adds one). Never `self`.
    virtual std::size_t forget_idle_consumers(std::chrono::milliseconds min_idle) = 0;

    virtual BeginResult begin(const std::string& key, std::chrono::seconds lease) = 0;
    virtual void finish(const std::string& key, std::chrono::seconds ttl) = 0;  // mark posted
    virtual void abandon(const std::string& key) = 0;  // drop our lease without marking posted
};

}  // namespace tools
