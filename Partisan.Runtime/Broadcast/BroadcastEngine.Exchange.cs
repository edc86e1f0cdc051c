namespace Partisan.Broadcast;

public sealed partial class BroadcastEngine
{
    // Exchanges this node started (bounded by MaxConcurrentExchanges, expired after ExchangeTimeout), the handlers that
    // exchange (taken in turn, as Partisan does), and what each peer sent as responder this interval (bounded: a flood is refused).
    private readonly Dictionary<long, RunningExchange> _exchanges = new();
    private readonly List<IBroadcastHandler> _exchangers = new();
    private readonly Dictionary<NodeName, int> _inboundExchange = new();
    private readonly List<NodeName> _exchangeCandidates = new();
    private readonly List<long> _expired = new();
    private long _nextSession;
    private int _exchangerTurn;

    /// <summary>Exchanges this node started that are still running.</summary>
    public int RunningExchanges => _exchanges.Count;

    private void OnExchangeTick()
    {
        TimeSpan now = Now;
        foreach ((long session, RunningExchange running) in _exchanges)
        {
            if (now - running.Started >= _options.ExchangeTimeout)
            {
                _expired.Add(session);
            }
        }

        foreach (long session in _expired)
        {
            _exchanges.Remove(session);
            Counters.ExchangesTimedOut++;
        }

        _expired.Clear();
        _inboundExchange.Clear();
        if (_exchanges.Count < _options.MaxConcurrentExchanges)
        {
            StartExchange();
        }
    }

    /// <summary>Starts one anti-entropy exchange now (as the exchange tick does): false when no handler exchanges, there is no neighbour, or the limit is reached.</summary>
    public bool StartExchange()
    {
        if (_exchangers.Count == 0 || _neighbours.Length == 0 || _exchanges.Count >= _options.MaxConcurrentExchanges)
        {
            return false;
        }

        IBroadcastHandler handler = _exchangers[_exchangerTurn++ % _exchangers.Count];
        NodeName peer = PickExchangePeer();
        var exchange = (IBroadcastExchange)handler;
        if (!TryBeginExchange(handler, exchange, peer, out object? body) || body is null)
        {
            return false;
        }

        long session = ++_nextSession;
        _exchanges.Add(session, new RunningExchange(exchange, handler.Name, peer, Now));
        Send(peer, new ExchangeMessage(handler.Name, session, FromInitiator: true, body));
        Counters.ExchangesStarted++;
        return true;
    }

    // A random neighbour outside this node's own tree (lazy for its root) when there is one, else any neighbour
    // (Partisan's exchange_selection = optimized).
    private NodeName PickExchangePeer()
    {
        _exchangeCandidates.Clear();
        if (_trees.TryGetValue(_context.Self, out BroadcastTree? own))
        {
            foreach (NodeName peer in _neighbours)
            {
                if (own.Lazy.Contains(peer))
                {
                    _exchangeCandidates.Add(peer);
                }
            }
        }

        return _exchangeCandidates.Count > 0
            ? _exchangeCandidates[_context.Random.Next(_exchangeCandidates.Count)]
            : _neighbours[_context.Random.Next(_neighbours.Length)];
    }

    private void OnExchange(NodeName from, ExchangeMessage message)
    {
        if (message.FromInitiator)
        {
            Respond(from, message);
            return;
        }

        if (!_exchanges.TryGetValue(message.Session, out RunningExchange? running) || running.Peer != from)
        {
            Drop(from, "exchange", "no such exchange");
            return;
        }

        if (message.Body is null)
        {
            _exchanges.Remove(message.Session);
            Counters.ExchangesCompleted++;
            return;
        }

        running.Steps++;
        object? reply = null;
        bool ok = running.Steps <= _options.MaxExchangeSteps
            && _handlers.TryGetValue(running.Name, out IBroadcastHandler? handler)
            && TryContinueExchange(handler, running.Handler, from, message.Body, out reply);
        if (!ok || reply is null)
        {
            _exchanges.Remove(message.Session);
            Counters.ExchangesCompleted++;
            Send(from, new ExchangeMessage(running.Name, message.Session, FromInitiator: true, null));
            return;
        }

        Send(from, new ExchangeMessage(running.Name, message.Session, FromInitiator: true, reply));
    }

    // The responder keeps no state per exchange; what bounds it is a number of messages per peer per exchange interval.
    private void Respond(NodeName from, ExchangeMessage message)
    {
        if (!IsNeighbour(from))
        {
            Drop(from, "exchange", "not a neighbour");
            return;
        }

        if (!_handlers.TryGetValue(message.Handler, out IBroadcastHandler? handler) || handler is not IBroadcastExchange exchange)
        {
            Drop(from, "exchange", "no exchanging handler named " + message.Handler);
            return;
        }

        if (message.Body is null)
        {
            return; // the initiator is done
        }

        int count = _inboundExchange.GetValueOrDefault(from) + 1;
        _inboundExchange[from] = count;
        if (count > _options.MaxInboundExchangeMessages)
        {
            Counters.ExchangesRefused++;
            Drop(from, "exchange", "more exchange messages this interval than MaxInboundExchangeMessages");
            return;
        }

        TryContinueExchange(handler, exchange, from, message.Body, out object? reply);
        Send(from, new ExchangeMessage(message.Handler, message.Session, FromInitiator: false, reply));
    }
}
