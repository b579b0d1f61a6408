// The production EventWriter: the SQLite outbox shared with the milter (dedup happens there).
#pragma once

#include "webhooks/event_writer.hpp"

namespace webhooks {

class OutboxWriter final : public EventWriter {
public:
    explicit OutboxWriter(forwarder::Outbox& outbox) : outbox_(outbox) {}
    forwarder::EnqueueResult write(const std::vector<forwarder::Event>& events) override {
        return outbox_.enqueue(events);
    }

private:
    forwarder::Outbox& outbox_;
};

}  // namespace webhooks
