package org.multimaster.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP port on 127.0.0.1 that forwards each connection to a target that the test switches: the
 * load balancer in front of a cluster of masters, which sends workers to a live master. While it
 * points nowhere it accepts connections and closes them at once, as a balancer without a healthy
 * backend does. Switching cuts the connections already forwarded, so each client connects again
 * and reaches the new target.
 *
 * <p>Thread-safe: one thread accepts, two threads copy each forwarded connection.
 */
final class TcpForwarder implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MILLIS = 2_000;

    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile int targetPort = -1; // written under this object's lock

    private TcpForwarder(ServerSocket server) {
        this.server = server;
    }

    /** Listens on a free port of 127.0.0.1, pointing nowhere. */
    static TcpForwarder start() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        TcpForwarder forwarder = new TcpForwarder(server);
        Thread acceptor = new Thread(forwarder::accept, "forwarder-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
        return forwarder;
    }

    /** The port clients connect to. */
    int port() {
        return server.getLocalPort();
    }

    /** From now on, forwards new connections to 127.0.0.1:{@code port}; cuts the current ones. */
    synchronized void forwardTo(int port) {
        targetPort = port;
        cutAll();
    }

    /** From now on, accepts and closes every connection; cuts the current ones. */
    synchronized void forwardNowhere() {
        targetPort = -1;
        cutAll();
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            int port = targetPort;
            Socket upstream = new Socket();
            try {
                if (port < 0) {
                    throw new IOException("pointing nowhere");
                }
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), CONNECT_TIMEOUT_MILLIS);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(upstream);
                continue;
            }
            // The target may have been switched while this connection was being made: a connection
            // to the old target must not outlive the switch.
            synchronized (this) {
                if (targetPort != port) {
                    closeQuietly(client);
                    closeQuietly(upstream);
                    continue;
                }
                open.add(client);
                open.add(upstream);
            }
            copy(client, upstream);
            copy(upstream, client);
        }
    }

    /** Copies {@code from} to {@code to} on a thread of its own; the end of either closes both. */
    private void copy(Socket from, Socket to) {
        Thread copier = new Thread(
                () -> {
                    byte[] buffer = new byte[16 * 1024];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        int n;
                        while ((n = in.read(buffer)) >= 0) {
                            out.write(buffer, 0, n);
                            out.flush();
                        }
                    } catch (IOException e) {
                        // a side went away: the connection ends for both
                    } finally {
                        cut(from);
                        cut(to);
                    }
                },
                "forwarder-" + from.getPort() + "-" + to.getPort());
        copier.setDaemon(true);
        copier.start();
    }

    private void cutAll() {
        for (Socket socket : open) {
            cut(socket);
        }
    }

    private void cut(Socket socket) {
        open.remove(socket);
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    /** Stops listening and cuts every connection. */
    @Override
    public void close() throws IOException {
        server.close();
        cutAll();
    }

    @Override
    public String toString() {
        return "forwarder 127.0.0.1:" + port() + " -> " + (targetPort < 0 ? "nowhere" : "127.0.0.1:" + targetPort);
    }
}
