#include "metrics/exporter.hpp"

#include "metrics/text_format.hpp"

#include <httplib.h>
#include <sys/socket.h>

#include <chrono>

namespace metrics {

bool split_host_port(const std::string& listen, std::string& host, int& port) {
    std::string port_text;
    if (!listen.empty() && listen.front() == '[') {
        const auto close = listen.find(']');
        if (close == std::string::npos || close + 1 >= listen.size() || listen[close + 1] != ':') return false;
        host = listen.substr(1, close - 1);
        port_text = listen.substr(close + 2);
    } else {
        const auto colon = listen.rfind(':');
        if (colon == std::string::npos || colon == 0) return false;
        host = listen.substr(0, colon);
        port_text = listen.substr(colon + 1);
    }
    if (host.empty() || port_text.empty() || port_text.size() > 5) return false;
    port = 0;
    for (char c : port_text) {
        if (c < '0' || c > '9') return false;
        port = port * 10 + (c - '0');
    }
    return port <= 65535;
}

Exporter::Exporter(const std::string& listen, Render render) : http_(std::make_unique<httplib::Server>()) {
    std::string host;
    int port = 0;
    if (!split_host_port(listen, host, port)) throw ExporterError("metrics listen must be host:port, got \"" + listen + "\"");

    // Scrapes are rare and small: one worker is plenty and keeps the footprint out of the MTA's way.
    http_->new_task_queue = [] { return new httplib::ThreadPool(1); };
    http_->set_read_timeout(5);
    http_->set_write_timeout(5);
    http_->set_keep_alive_max_count(10);
    // No SO_REUSEPORT (httplib's default): a second instance must fail to bind, not share the port.
    http_->set_socket_options([](int sock) {
        int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    http_->Get("/metrics", [render = std::move(render)](const httplib::Request&, httplib::Response& res) {
        try {
            res.set_content(render(), kContentType);
        } catch (const std::exception& e) {
            res.status = 500;
            res.set_content(std::string("metrics unavailable: ") + e.what() + "\n", "text/plain");
        }
    });

    if (port == 0) {
        port_ = http_->bind_to_any_port(host);
        if (port_ <= 0) throw ExporterError("metrics: cannot bind " + listen);
    } else {
        if (!http_->bind_to_port(host, port)) throw ExporterError("metrics: cannot bind " + listen + " (in use?)");
        port_ = port;
    }
    thread_ = std::thread([this] {
        http_->listen_after_bind();
        serving_ended_.store(true);
    });
    // httplib's stop() does nothing before the accept loop runs: wait for it, so the destructor can
    // always end the thread.
    while (!http_->is_running() && !serving_ended_.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

Exporter::~Exporter() {
    http_->stop();
    if (thread_.joinable()) thread_.join();
}

}  // namespace metrics
