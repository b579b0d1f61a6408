// What a provider handler sees of an HTTP request: independent of the HTTP library so handlers can be
// unit-tested and fuzzed without a server.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace webhooks {

struct CaseInsensitiveLess {
    bool operator()(const std::string& a, const std::string& b) const;
};

struct Request {
    std::string method = "POST";
    std::multimap<std::string, std::string, CaseInsensitiveLess> headers;
    std::multimap<std::string, std::string> query;  // decoded query parameters
    std::string_view body;                          // raw bytes exactly as received
    std::string remote_addr;                        // peer address, for log lines only

    // First value of a header, or nullptr when absent.
    const std::string* header(const std::string& name) const;
    const std::string* query_param(const std::string& name) const;
};

}  // namespace webhooks
