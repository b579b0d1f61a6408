#include "milter/scope.hpp"

#include <catch2/catch.hpp>

using milter::BounceScope;
using milter::normalize_address;

TEST_CASE("normalize_address strips brackets and whitespace and lowercases") {
    CHECK(normalize_address("<Bounces@Lists.Example.COM>") == "bounces@lists.example.com");
    CHECK(normalize_address("  <a@b>  ") == "a@b");
    CHECK(normalize_address("a@b") == "a@b");
    CHECK(normalize_address("<>") == "");
    CHECK(normalize_address("") == "");
    CHECK(normalize_address("<a@b") == "<a@b");  // unbalanced: left alone, will not match
}

TEST_CASE("scope matches bounce addresses with and without +tags") {
    BounceScope scope({"bounces@lists.example.com", "<Returns@Other.Example>"});
    CHECK(scope.matches("bounces@lists.example.com"));
    CHECK(scope.matches("<bounces@lists.example.com>"));
    CHECK(scope.matches("BOUNCES@LISTS.EXAMPLE.COM"));
    CHECK(scope.matches("<bounces+c0ffee-1234@lists.example.com>"));
    CHECK(scope.matches("bounces+@lists.example.com"));
    CHECK(scope.matches("returns+x@other.example"));
    CHECK(scope.matches("returns@OTHER.example"));

    CHECK_FALSE(scope.matches("bouncesx@lists.example.com"));
    CHECK_FALSE(scope.matches("bounce@lists.example.com"));
    CHECK_FALSE(scope.matches("bounces@example.com"));
    CHECK_FALSE(scope.matches("bounces@lists.example.com.evil"));
    CHECK_FALSE(scope.matches("x+bounces@lists.example.com"));
    CHECK_FALSE(scope.matches("+bounces@lists.example.com"));
    CHECK_FALSE(scope.matches("user@lists.example.com"));
}

TEST_CASE("scope never matches empty or malformed recipients") {
    BounceScope scope({"bounces@lists.example.com"});
    CHECK_FALSE(scope.matches(""));
    CHECK_FALSE(scope.matches("<>"));
    CHECK_FALSE(scope.matches("bounces"));
    CHECK_FALSE(scope.matches("@lists.example.com"));
    CHECK_FALSE(scope.matches("bounces@"));
}

TEST_CASE("a configured address containing + matches only itself and its own tags") {
    BounceScope scope({"list+bounces@example.com"});
    CHECK(scope.matches("list+bounces@example.com"));
    CHECK_FALSE(scope.matches("list@example.com"));
    CHECK_FALSE(scope.matches("list+other@example.com"));
}

TEST_CASE("an @domain entry matches every address of that domain") {
    BounceScope scope({"@Bounce.Example.com"});
    CHECK(scope.matches("anything@bounce.example.com"));
    CHECK(scope.matches("<x+y@BOUNCE.example.com>"));
    CHECK_FALSE(scope.matches("x@sub.bounce.example.com"));
    CHECK_FALSE(scope.matches("x@example.com"));
}

TEST_CASE("empty configuration matches nothing") {
    BounceScope scope({"", "  ", "<>", "@"});
    CHECK(scope.empty());
    CHECK_FALSE(scope.matches("bounces@lists.example.com"));
    CHECK_FALSE(scope.matches(""));
}
