// The accept side of bounce-hooks. httplib gives each connection a worker thread for as long as the
// client keeps sending, so a few dozen clients trickling a header line every few seconds would hold
// every worker and starve genuine requests; httplib 0.11 also keeps any number of header lines in
// memory. The gate instead reads every connection's request head (and a Content-Length body) in one
// poll() thread, within a deadline for the whole request and a byte and line budget for the head, caps
// the number of open connections, and hands a request to a worker only once it has fully arrived.
// Keep-alive connections come back to the gate between requests.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "webhooks/request_head.hpp"

namespace webhooks {

struct GateOptions {
    HeadLimits head;
    std::chrono::milliseconds request_timeout{10000};    // first byte of a request to its last
    std::chrono::milliseconds keep_alive_timeout{5000};  // idle wait for the next request on a connection
    std::size_t max_connections = 256;
    int requests_per_connection = 100;
};

// One connection between requests, owned by whoever holds it (gate, queue or worker).
struct GatedConnection {
    int fd = -1;
    std::string received;  // bytes read and not yet served, starting with a complete request head
    std::chrono::steady_clock::time_point deadline;  // for what is still to be read of the request
    int requests_left = 0;
};

// A refusal the gate writes itself: status line, JSON {"message"} body, Connection: close.
std::string canned_response(int status, std::string_view message);

class ConnectionGate {
public:
    // Runs on the gate thread; must not block (it queues the connection for a worker).
    using Dispatch = std::function<void(GatedConnection)>;

    ConnectionGate(GateOptions options, Dispatch dispatch);
    ~ConnectionGate();
    ConnectionGate(const ConnectionGate&) = delete;
    ConnectionGate& operator=(const ConnectionGate&) = delete;

    void start();
    void stop();

    // A newly accepted socket (any thread). Over max_connections it is answered 503 and closed at once.
    void admit(int fd);
    // A connection whose response was sent and that stays open for another request (any thread).
    void readmit(GatedConnection connection);
    // A connection a worker closed.
    void released() { open_.fetch_sub(1); }

    std::size_t open_connections() const { return open_.load(); }
    const GateOptions& options() const { return options_; }

private:
    struct Pending {
        Pending(GatedConnection c, RequestHeadScanner s) : connection(std::move(c)), scanner(s) {}
        GatedConnection connection;
        RequestHeadScanner scanner;
        bool head_complete = false;
        HeadVerdict head;
        bool idle = false;        // keep-alive: no byte of the next request yet
        bool draining = false;    // refused: input is read and dropped until the deadline, so the client sees the answer
        std::size_t drained = 0;
    };

    void run();
    void take_inbox(std::chrono::steady_clock::time_point now);
    void read_from(Pending& p, std::chrono::steady_clock::time_point now);
    // False when the connection left the gate (dispatched or closed).
    bool evaluate(int fd, Pending& p, std::chrono::steady_clock::time_point now);
    void refuse(Pending& p, int status, std::string_view message, std::chrono::steady_clock::time_point now);
    void close_connection(int fd);

    GateOptions options_;
    Dispatch dispatch_;
    std::atomic<std::size_t> open_{0};
    std::atomic<bool> stopping_{false};
    int wake_fd_ = -1;
    std::mutex inbox_mutex_;
    std::vector<GatedConnection> inbox_;
    std::unordered_map<int, Pending> pending_;  // the gate thread's alone
    std::thread thread_;
};

}  // namespace webhooks
