// Checks of a loaded configuration for a program about to run with it: a sink to deliver to, and, on
// this machine, directories that must exist and users that must be known. A configuration can be valid and still fail at start for these
// (with a misleading message from deep inside SQLite or libmilter), so every program runs them in
// --check-config and before it starts.
#pragma once

#include "conf/config.hpp"

#include <string>
#include <vector>

namespace conf {

struct EnvironmentScope {
    bool outbox = true;         // the program writes the [outbox] (not bounce-drain)
    std::string socket_override;  // bounce-milter --socket, checked instead of [milter] socket
};

std::vector<ConfigError> environment_problems(const Config& config, const EnvironmentScope& scope = {});

}  // namespace conf
