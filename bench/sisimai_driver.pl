#!/usr/bin/perl
# The peer side of bench/parse_throughput.sh: Debian's Sisimai (libsisimai-perl) over the same
# files. Each argument may be a file or a directory (Sisimai reads every file in it).
use strict;
use warnings;
use Sisimai;

die "usage: sisimai_driver.pl PATH...\n" unless @ARGV;
my $events = 0;
for my $path (@ARGV) {
    my $results = Sisimai->make($path);
    $events += scalar @$results if $results;
}
print "$events events (Sisimai $Sisimai::VERSION)\n";
