// Serves GET /metrics on a loopback address from its own thread, so a scrape never runs on (or waits
// for) the program's working threads.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

namespace httplib {
class Server;
}

namespace metrics {

struct ExporterError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// "127.0.0.1:9120", "[::1]:9120", "localhost:0" -> host (without brackets) and port; false when malformed.
bool split_host_port(const std::string& listen, std::string& host, int& port);

class Exporter {
public:
    using Render = std::function<std::string()>;

    // Binds `listen` at once (port 0 picks a free one) and starts serving; throws ExporterError when
    // the address is malformed or cannot be bound. Call after any fork (daemon()).
    Exporter(const std::string& listen, Render render);
    ~Exporter();  // stops serving and joins the thread
    Exporter(const Exporter&) = delete;
    Exporter& operator=(const Exporter&) = delete;

    int port() const { return port_; }

private:
    std::unique_ptr<httplib::Server> http_;
    std::thread thread_;
    std::atomic<bool> serving_ended_{false};
    int port_ = 0;
};

}  // namespace metrics
