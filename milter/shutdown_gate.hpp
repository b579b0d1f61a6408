// Keeps libmilter's callbacks away from the runtime and the outbox once the milter is stopping.
//
// smfi_main() returns after SIGTERM without waiting for the threads that serve MTA connections (Debian's
// libmilter hands connections to a worker pool; other builds run a thread per connection). A callback
// that is running at that moment, or starts later, must not reach a Runtime or an Outbox that main() is
// about to destroy. Every callback passes the gate; close() refuses new ones (the MTA gets the
// filter's failure reply: a temporary failure, or an accept for Postfix's own mail) and waits for the
// ones inside, which are short and local (no callback waits on the network).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace milter {

class ShutdownGate {
public:
    // A callback starts. False once close() has begun: answer the MTA without doing anything.
    bool enter();
    // The callback ended. Once per successful enter().
    void leave();
    // Refuses new callbacks and waits until none is inside any more.
    void close();

    std::size_t inside() const;

private:
    mutable std::mutex mutex_;
    std::condition_variable left_;
    std::size_t inside_ = 0;
    bool closed_ = false;
};

// Passes the gate for one scope, if it is open.
class GatePass {
public:
    explicit GatePass(ShutdownGate& gate) : gate_(gate), allowed_(gate.enter()) {}
    ~GatePass() {
        if (allowed_) gate_.leave();
    }
    GatePass(const GatePass&) = delete;
    GatePass& operator=(const GatePass&) = delete;
    bool allowed() const { return allowed_; }

private:
    ShutdownGate& gate_;
    bool allowed_;
};

}  // namespace milter
