// Counters exposed on GET /metrics in the Prometheus text format.
#pragma once

#include "metrics/registry.hpp"

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace webhooks {

class Metrics {
public:
    void count_request(const std::string& provider, int status);
    void count_verification_failure(const std::string& provider);
    void count_events(const std::string& provider, std::size_t accepted, std::size_t duplicates);

    // Families kept elsewhere (the outbox's figures) appended to every render; set before serving.
    void append_registry(const metrics::Registry* registry) { extra_ = registry; }

    std::string render() const;

private:
    mutable std::mutex mutex_;
    std::map<std::pair<std::string, int>, std::uint64_t> requests_;
    std::map<std::string, std::uint64_t> verification_failures_;
    std::map<std::string, std::uint64_t> accepted_;
    std::map<std::string, std::uint64_t> duplicates_;
    const metrics::Registry* extra_ = nullptr;
};

}  // namespace webhooks
