using Partisan;

namespace Partisan.Bench;

/// <summary>
/// The call benchmark's server, as the reference's <c>bench_echo_server</c>: a generated gen_server that replies
/// with the request. Registered as <see cref="Name"/> on the server process.
/// </summary>
[PartisanServer]
public sealed partial class EchoServer
{
    public const string Name = "bench_echo_srv";

    [Call]
    public byte[] Echo(byte[] payload) => payload;
}
