// Where accepted events go: the shared outbox in production, a recorder in tests.
#pragma once

#include <vector>

#include "forwarder/event.hpp"
#include "forwarder/outbox.hpp"

namespace webhooks {

class EventWriter {
public:
    virtual ~EventWriter() = default;
    // Durable when it returns; throws forwarder::OutboxError when the events could not be stored.
    virtual forwarder::EnqueueResult write(const std::vector<forwarder::Event>& events) = 0;
};

}  // namespace webhooks
