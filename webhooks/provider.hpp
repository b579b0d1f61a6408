// A provider endpoint: verifies one request's authenticity and normalizes its events.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include "conf/config.hpp"
#include "webhooks/outcome.hpp"
#include "webhooks/replay_cache.hpp"
#include "webhooks/request.hpp"
#include "webhooks/timestamps.hpp"
#include "webhooks/url_fetcher.hpp"

namespace webhooks {

// What providers may use besides their own configuration; injected so tests pin time and fetch nothing.
struct Services {
    Clock clock = system_clock();
    std::shared_ptr<UrlFetcher> fetcher;  // SNS certificates and subscription confirmations
};

class Provider {
public:
    virtual ~Provider() = default;
    // Must not throw on bad input; the server still guards with a catch-all that answers 400.
    virtual Outcome handle(const Request& request) = 0;
    // Mandrill answers an unsigned HEAD when the webhook is added.
    virtual bool answers_head() const { return false; }
};

// Thrown by provider factories when the [hooks.<name>] section cannot work (missing or invalid key).
struct ProviderConfigError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace webhooks
