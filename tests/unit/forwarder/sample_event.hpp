// The event the outbox tests store: keyed by `key`, addressed to key@example.org unless told
// otherwise, with fixed type, source and time so that only the key tells two events apart.
#pragma once

#include "forwarder/event.hpp"

#include <string>

namespace test_support {

inline forwarder::Event sample_event(const std::string& key, const std::string& email = "") {
    forwarder::Event e;
    e.idempotency_key = key;
    e.email = email.empty() ? key + "@example.org" : email;
    e.type = "hard";
    e.source = "test";
    e.created_at = "2026-07-21T10:00:00Z";
    return e;
}

}  // namespace test_support
