// The reloadable part of the milter: everything a message's processing depends on, fixed for the whole
// message. SIGUSR1 builds a new Policy and swaps it in; a message in flight keeps the one it started with.
#pragma once

#include "conf/config.hpp"
#include "milter/capturer.hpp"
#include "milter/scope.hpp"

#include <cstddef>
#include <memory>

namespace milter {

struct Policy {
    BounceScope scope;
    conf::OnBounce on_bounce = conf::OnBounce::discard;
    conf::OnError on_error = conf::OnError::tempfail;
    std::size_t max_message_bytes = 1u << 20;
    std::shared_ptr<Capturer> capturer;

    Policy(const conf::MilterConfig& config, std::shared_ptr<Capturer> capturer_)
        : scope(config.bounce_addresses),
          on_bounce(config.on_bounce),
          on_error(config.on_error),
          max_message_bytes(config.max_message_bytes),
          capturer(std::move(capturer_)) {}
};

}  // namespace milter
