// Outbound HTTPS GETs (SNS signing certificates and subscription confirmations). An interface so tests
// serve certificates from memory and never touch the network.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace webhooks {

struct FetchResult {
    bool ok = false;   // transport succeeded and the body fit the cap
    long status = 0;   // HTTP status when ok
    std::string body;
    std::string error;
};

class UrlFetcher {
public:
    virtual ~UrlFetcher() = default;
    // Callers validate `url` before calling; implementations still refuse anything but https.
    virtual FetchResult get(const std::string& url, std::size_t max_bytes) = 0;
};

// libcurl: https only, full TLS verification, no redirects, short timeouts, body capped at max_bytes.
std::shared_ptr<UrlFetcher> make_curl_fetcher();

}  // namespace webhooks
