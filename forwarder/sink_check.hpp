// --check-sinks: asks each configured sink whether a bounce would get through (listmonk: URL,
// credentials, permission, bounces enabled; Redis: reachable, AUTH, stream key; file: directory
// writable) without recording anything. And the one-line description of the sinks that startup logs.
#pragma once

#include "conf/config.hpp"

#include <ostream>
#include <string>

namespace forwarder {

// Prints one line per sink; returns 0 when every sink answered as it should, else 1.
int check_sinks(const conf::Config& config, std::ostream& out);

// e.g. "listmonk http://127.0.0.1:9000 as bounce-milter, file /var/lib/bouncemilter/bounces.jsonl";
// no secrets.
std::string describe_sinks(const conf::Config& config);

}  // namespace forwarder
