// The floor for bench/hooks_throughput.sh: an HTTP server that takes the same POSTs as bounce-hooks
// on the same cpp-httplib setup (same bounded worker pool and thread count, keep-alive limits,
// TCP_NODELAY, body read through a content reader) and answers 200 with a small JSON body, doing
// nothing else: no verification, no parsing, no outbox. Its requests/s is what the HTTP layer and
// the load generator allow on this machine; bounce-hooks' figure divided by it is what verifying,
// normalizing and durably storing the events costs on top.
//
//   bench-hooks-floor THREADS PORT_FILE
// Binds 127.0.0.1 on a free port, writes the port to PORT_FILE, serves until SIGTERM or SIGINT.
#include <httplib.h>
#include <signal.h>
#include <sys/socket.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include "webhooks/bounded_task_queue.hpp"

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: bench-hooks-floor THREADS PORT_FILE\n");
        return 2;
    }
    const long threads = std::strtol(argv[1], nullptr, 10);
    if (threads < 1 || threads > 1024) {
        std::fprintf(stderr, "bench-hooks-floor: THREADS must be 1..1024\n");
        return 2;
    }
    // Blocked before any thread starts, so only the waiter below receives them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    httplib::Server server;
    const auto workers = static_cast<std::size_t>(threads);
    server.new_task_queue = [workers] { return new webhooks::BoundedTaskQueue(workers, workers * 4); };
    server.set_keep_alive_max_count(100);
    server.set_keep_alive_timeout(5);
    server.set_tcp_nodelay(true);
    server.set_socket_options([](int sock) {
        int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    server.Post(R"(/webhooks/service/([a-z]+))",
                [](const httplib::Request&, httplib::Response& res, const httplib::ContentReader& reader) {
                    std::string body;
                    const bool complete = reader([&](const char* data, std::size_t length) {
                        body.append(data, length);
                        return true;
                    });
                    res.status = complete ? 200 : 400;
                    res.set_content(complete ? R"({"message":"accepted"})" : R"({"message":"unreadable"})",
                                    "application/json");
                });
    server.Get("/healthz", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok\n", "text/plain"); });

    const int port = server.bind_to_any_port("127.0.0.1");
    if (port <= 0) {
        std::fprintf(stderr, "bench-hooks-floor: cannot bind 127.0.0.1\n");
        return 1;
    }
    {
        std::ofstream out(argv[2]);
        out << port << "\n";
        if (!out) {
            std::fprintf(stderr, "bench-hooks-floor: cannot write %s\n", argv[2]);
            return 1;
        }
    }
    std::thread waiter([&server, stop_signals] {
        int signal_number = 0;
        sigwait(&stop_signals, &signal_number);
        server.stop();
    });
    server.listen_after_bind();
    // listen_after_bind also returns when the listening socket fails; wake the waiter then.
    pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
    return 0;
}
