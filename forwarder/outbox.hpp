// Durable SQLite outbox (WAL): producers enqueue events, one delivery worker per sink drains them.
// A committed enqueue survives a crash; events are deduplicated on their idempotency key.
#pragma once

#include "forwarder/event.hpp"

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace forwarder {

struct OutboxError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct EnqueueResult {
    std::size_t inserted = 0;    // new events, now durable
    std::size_t duplicates = 0;  // already known keys, ignored
};

class Outbox {
public:
    // Opens (creating if needed) the database at `path`. `sinks` names the sinks that must each
    // deliver every event ("listmonk", "redis", "file"). Throws OutboxError when the file cannot be used.
    Outbox(const std::string& path, std::vector<std::string> sinks);
    ~Outbox();
    Outbox(const Outbox&) = delete;
    Outbox& operator=(const Outbox&) = delete;

    // Writes all events in one transaction and returns once it is durable on disk.
    // Throws OutboxError on any failure; then nothing was written.
    EnqueueResult enqueue(const std::vector<Event>& events);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace forwarder
