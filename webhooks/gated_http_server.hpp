// httplib's server with the connection gate in front: httplib still parses and routes each request,
// but only once the gate has received it whole, on a worker of a fixed pool. httplib's own accept loop
// hands each socket to the gate (process_and_close_socket) and goes straight back to accepting.
#pragma once

#include <httplib.h>

#include <chrono>
#include <string>
#include <string_view>

#include "webhooks/bounded_task_queue.hpp"
#include "webhooks/connection_gate.hpp"

namespace webhooks {

class GatedHttpServer final : public httplib::Server {
public:
    GatedHttpServer(GateOptions options, std::size_t threads, std::chrono::milliseconds write_timeout);
    ~GatedHttpServer() override;

    void start_gate() { gate_.start(); }
    // After httplib's stop(): closes what the gate holds and lets the workers finish their requests.
    void stop_gate();

    // The whole path of one request that arrived at once, without a socket: the gate's head checks,
    // then httplib and the routes. Returns the bytes that would be written back (fuzzing, tests).
    std::string answer_buffered(std::string_view raw);

    const ConnectionGate& gate() const { return gate_; }

private:
    bool process_and_close_socket(socket_t sock) override;
    void serve(GatedConnection connection);

    std::chrono::milliseconds write_timeout_;
    ConnectionGate gate_;
    BoundedTaskQueue workers_;
};

}  // namespace webhooks
