using Partisan.Serialization;
using Partisan.Transport;

namespace Partisan.Tests.Support;

/// <summary>Runs one handshake between two hand-made settings over TCP on 127.0.0.1, expecting both sides to refuse it.</summary>
internal static class HandshakeRefusal
{
    public const string Secret = "test-cluster-secret";

    /// <summary>Handshake settings for a node called <paramref name="name"/> speaking <paramref name="versions"/>.</summary>
    public static HandshakeSettings Settings(string name, ProtocolVersions versions, FrameProtection mode = FrameProtection.None) =>
        new(new NodeSpec(NodeName.Parse(name), [new ListenAddress("127.0.0.1", 1)], [ChannelOptions.Default, ChannelOptions.Membership], 1), Handshake.DeriveKey(Secret), TimeSpan.FromSeconds(10), WireContext.Default, TimeProvider.System, versions, mode);

    /// <summary>Dials with <paramref name="initiator"/> to a listener accepting with <paramref name="acceptor"/>; returns both sides' errors.</summary>
    public static async Task<(HandshakeException Dialer, HandshakeException Acceptor)> BothSidesAsync(HandshakeSettings initiator, HandshakeSettings acceptor)
    {
        var accepted = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var transport = new TcpTransport();
        await using ITransportListener listener = await transport.ListenAsync(
            new ListenAddress("127.0.0.1", 0),
            async connection =>
            {
                try
                {
                    await Handshake.AcceptAsync(connection, acceptor, (_, _, _) => null, _ => ValueTask.FromResult<(HandshakeFailure, string)?>(null), CancellationToken.None);
                    accepted.SetResult(null);
                }
                catch (Exception ex)
                {
                    accepted.SetResult(ex);
                }
                finally
                {
                    await connection.DisposeAsync();
                }
            },
            CancellationToken.None);
        await using ITransportConnection client = await transport.ConnectAsync(listener.LocalAddress, CancellationToken.None);

        var dialerError = await Assert.ThrowsAsync<HandshakeException>(() => Handshake.InitiateAsync(client, initiator, "default", 0, null, CancellationToken.None));
        var acceptorError = Assert.IsType<HandshakeException>(await Eventually.Within(accepted.Task, "the acceptor's side ends"));
        return (dialerError, acceptorError);
    }
}
