import { type ChannelModel, type ConfirmChannel, connect } from 'amqplib';

/**
 * What tests do with RabbitMQ, as an application would (amqplib over TCP, user and password):
 * declare a durable queue, publish persistent messages with publisher confirms (each
 * acknowledged once RabbitMQ has it on disk), count a queue's messages and take them.
 */
export class AmqpClient {
  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: ConfirmChannel,
  ) {}

  /** Connects to vhost `/` with a confirm channel; rejects when the server refuses the login. */
  static async connect(options: { host: string; port: number; user: string; password: string; timeoutMs?: number }): Promise<AmqpClient> {
    const connection = await connect(
      { protocol: 'amqp', hostname: options.host, port: options.port, username: options.user, password: options.password, vhost: '/', heartbeat: 0 },
      { timeout: options.timeoutMs ?? 5000 },
    );
    // A refused operation closes the channel and is reported by the call that made it.
    connection.on('error', () => {});
    const channel = await connection.createConfirmChannel();
    channel.on('error', () => {});
    return new AmqpClient(connection, channel);
  }

  /** Declares `queue` durable (or finds it); returns how many messages it holds. */
  async declareDurableQueue(queue: string): Promise<number> {
    return (await this.channel.assertQueue(queue, { durable: true })).messageCount;
  }

  async messageCount(queue: string): Promise<number> {
    return (await this.channel.checkQueue(queue)).messageCount;
  }

  /** Publishes one persistent message and waits for the broker's confirm. */
  async publishPersistent(queue: string, body: string): Promise<void> {
    this.channel.sendToQueue(queue, Buffer.from(body), { persistent: true });
    await this.channel.waitForConfirms();
  }

  /** Takes the next message (acknowledged), or undefined when the queue is empty. */
  async get(queue: string): Promise<string | undefined> {
    const message = await this.channel.get(queue, { noAck: true });
    return message === false ? undefined : message.content.toString();
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}
