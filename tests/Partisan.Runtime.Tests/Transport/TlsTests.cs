using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Partisan.Tests.Support;
using Partisan.Transport;

namespace Partisan.Tests.Transport;

public class TlsTests
{
    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=partisan-test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        using X509Certificate2 created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    private static TlsOptions Tls(X509Certificate2 certificate) => new()
    {
        Server = new SslServerAuthenticationOptions { ServerCertificate = certificate },
        Client = new SslClientAuthenticationOptions
        {
            TargetHost = "partisan-test",
            RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == certificate.GetCertHashString(),
        },
    };

    [Fact]
    public async Task Nodes_join_and_exchange_messages_over_tls()
    {
        using X509Certificate2 certificate = SelfSigned();
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2, o => o.Tls = Tls(certificate));
        var probe = Probe.Start(cluster[1]);

        Assert.True(cluster[0].Send(probe.Pid, "over tls"));

        Assert.Equal("over tls", await probe.NextAsync());
    }

    [Fact]
    public async Task A_plain_tcp_node_cannot_join_a_tls_node()
    {
        using X509Certificate2 certificate = SelfSigned();
        await using var nodes = new TestNodes();
        PartisanNode secure = await nodes.StartAsync("tls", o => o.Tls = Tls(certificate));
        PartisanNode plain = await nodes.StartAsync("plain", o => o.HandshakeTimeout = TimeSpan.FromSeconds(2));

        await Assert.ThrowsAnyAsync<PartisanException>(() => plain.JoinAsync(secure.ListenAddresses[0]));
        Assert.Single(secure.Members());
    }
}
