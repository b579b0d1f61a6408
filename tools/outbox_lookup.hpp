// Every delivery of one event, whatever its state: what `bounce-outbox show ID` needs and the
// Outbox API does not offer (its list() filters by state). Reads the outbox schema documented in
// forwarder/outbox.cpp through a second connection, so it works while the outbox is in use.
#pragma once

#include "forwarder/outbox.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace tools {

// Empty when the event does not exist. Throws forwarder::OutboxError when the file cannot be read.
std::vector<forwarder::Delivery> deliveries_of(const std::string& outbox_path, std::int64_t event_id);

}  // namespace tools
