namespace Partisan.Broadcast;

// Every call into a handler goes through one of these: an exception is counted, logged and contained, and the message
// it concerned is treated as not handled (false), so one faulty handler never stops the engine or the others.
public sealed partial class BroadcastEngine
{
    private bool TryBroadcastData(IBroadcastHandler handler, object message, out BroadcastData data)
    {
        try
        {
            data = handler.BroadcastData(message);
            if (data.Id is null || data.Payload is null)
            {
                throw new InvalidOperationException("BroadcastData returned a null id or payload.");
            }

            return true;
        }
        catch (Exception ex)
        {
            Failed(handler, nameof(IBroadcastHandler.BroadcastData), ex);
            data = default;
            return false;
        }
    }

    private bool TryMerge(IBroadcastHandler handler, object id, object payload, out bool fresh)
    {
        try
        {
            fresh = handler.Merge(id, payload);
            return true;
        }
        catch (Exception ex)
        {
            Failed(handler, nameof(IBroadcastHandler.Merge), ex);
            fresh = false;
            return false;
        }
    }

    private bool TryIsStale(IBroadcastHandler handler, object id, out bool stale)
    {
        try
        {
            stale = handler.IsStale(id);
            return true;
        }
        catch (Exception ex)
        {
            Failed(handler, nameof(IBroadcastHandler.IsStale), ex);
            stale = true;
            return false;
        }
    }

    private bool TryGraft(IBroadcastHandler handler, object id, out GraftResult result)
    {
        try
        {
            result = handler.Graft(id);
            return true;
        }
        catch (Exception ex)
        {
            Failed(handler, nameof(IBroadcastHandler.Graft), ex);
            result = default;
            return false;
        }
    }

    private bool TryBeginExchange(IBroadcastHandler handler, IBroadcastExchange exchange, NodeName peer, out object? body)
    {
        try
        {
            body = exchange.BeginExchange(peer);
            return true;
        }
        catch (Exception ex)
        {
            Failed(handler, nameof(IBroadcastExchange.BeginExchange), ex);
            body = null;
            return false;
        }
    }

    private bool TryContinueExchange(IBroadcastHandler handler, IBroadcastExchange exchange, NodeName peer, object message, out object? reply)
    {
        try
        {
            reply = exchange.ContinueExchange(peer, message);
            return true;
        }
        catch (Exception ex)
        {
            Failed(handler, nameof(IBroadcastExchange.ContinueExchange), ex);
            reply = null;
            return false;
        }
    }

    private void Failed(IBroadcastHandler handler, string callback, Exception error)
    {
        Counters.HandlerFailures++;
        BroadcastLog.HandlerFailed(_logger, handler.Name, callback, error);
    }
}
