#include "milter/shutdown_gate.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

using milter::GatePass;
using milter::ShutdownGate;
using namespace std::chrono_literals;

TEST_CASE("shutdown gate: callbacks pass freely until the gate closes, none after") {
    ShutdownGate gate;
    {
        GatePass a(gate);
        GatePass b(gate);
        CHECK(a.allowed());
        CHECK(b.allowed());
        CHECK(gate.inside() == 2);
    }
    CHECK(gate.inside() == 0);
    gate.close();
    GatePass late(gate);
    CHECK_FALSE(late.allowed());
    CHECK(gate.inside() == 0);
}

TEST_CASE("shutdown gate: close waits for a callback that is inside, e.g. an end of message writing the outbox") {
    ShutdownGate gate;
    std::atomic<bool> inside{false};
    std::atomic<bool> finished{false};
    std::thread connection([&] {
        GatePass pass(gate);
        REQUIRE(pass.allowed());
        inside = true;
        std::this_thread::sleep_for(150ms);  // the outbox write
        finished = true;
    });
    while (!inside) std::this_thread::sleep_for(1ms);
    const auto started = std::chrono::steady_clock::now();
    gate.close();
    const auto waited = std::chrono::steady_clock::now() - started;
    CHECK(finished);  // close returned only after the callback left
    CHECK(waited >= 50ms);
    connection.join();
}

TEST_CASE("shutdown gate: many threads entering while it closes never end up inside after close") {
    ShutdownGate gate;
    std::atomic<bool> stop{false};
    std::atomic<int> inside_after_close{0};
    std::atomic<bool> closed{false};
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) {
        threads.emplace_back([&] {
            while (!stop) {
                GatePass pass(gate);
                if (pass.allowed() && closed) ++inside_after_close;
            }
        });
    }
    std::this_thread::sleep_for(20ms);
    gate.close();
    closed = true;
    std::this_thread::sleep_for(20ms);
    stop = true;
    for (auto& t : threads) t.join();
    CHECK(inside_after_close == 0);
    CHECK(gate.inside() == 0);
}
