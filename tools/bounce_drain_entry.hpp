// Stream entry <-> event: reads back what forwarder::RedisSink wrote (forwarder::redis_fields), so
// the drain posts exactly the body the producer would have posted itself.
#pragma once

#include "forwarder/event.hpp"
#include "tools/bounce_drain_store.hpp"

#include <optional>
#include <string>

namespace tools {

// Deepest `meta` nesting a stream entry may carry.
inline constexpr std::size_t kMaxMetaDepth = 128;

struct DecodedEntry {
    std::optional<forwarder::Event> event;  // empty when the entry cannot be posted
    std::string error;                      // why not
};

// Entries from other producers without an idempotency_key get one derived from their fields, so a
// duplicated entry is still posted once.
DecodedEntry event_from_stream_fields(const StreamFields& fields);

// The Redis key holding the posted/pending marker of one event for one consumer group.
std::string dedup_key(const std::string& stream, const std::string& group, const std::string& idempotency_key);

}  // namespace tools
