// The bounce-hooks HTTP front: routes, limits, the per-request error wall, and metrics.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "conf/config.hpp"
#include "webhooks/event_writer.hpp"
#include "webhooks/metrics.hpp"
#include "webhooks/provider.hpp"

namespace webhooks {

class GatedHttpServer;

// One log line per refused or failed request; `warning` separates trouble from routine.
using RequestLogger = std::function<void(bool warning, std::string_view line)>;

// Builds every provider named in the config. Throws ProviderConfigError listing every failing
// section, one per line.
std::map<std::string, std::unique_ptr<Provider>> make_providers(const conf::HooksConfig& config,
                                                                const Services& services);

// "127.0.0.1:8025" / "[::1]:8025" -> host and port; false when malformed.
bool split_listen(const std::string& listen, std::string& host, int& port);

class HooksServer {
public:
    HooksServer(const conf::HooksConfig& config, std::map<std::string, std::unique_ptr<Provider>> providers,
                EventWriter& writer, RequestLogger logger = {});
    ~HooksServer();
    HooksServer(const HooksServer&) = delete;
    HooksServer& operator=(const HooksServer&) = delete;

    // Binds the configured address (port 0 picks a free port). False with `error` set on failure.
    bool bind(std::string& error);
    int port() const { return port_; }
    // Serves until stop(); call bind() first.
    void run();
    void stop();

    // The whole per-request pipeline without HTTP: provider lookup, verification, outbox write, metrics.
    // Returns the status and JSON body to answer.
    std::pair<int, std::string> process(const std::string& provider, const Request& request);

    Metrics& metrics() { return metrics_; }

    // One request's bytes through the server's limits, httplib and the routes, without a socket;
    // returns the bytes that would be answered (fuzzing and tests).
    std::string answer_raw(std::string_view raw);
    // Connections the server holds open now (waiting for a request, or being answered).
    std::size_t open_connections() const;

private:
    void install_routes();

    conf::HooksConfig config_;
    std::map<std::string, std::unique_ptr<Provider>> providers_;
    EventWriter& writer_;
    RequestLogger logger_;
    Metrics metrics_;
    std::unique_ptr<GatedHttpServer> http_;
    int port_ = 0;
};

}  // namespace webhooks
