using Cloudy.Client.State;

namespace Cloudy.Client.Messaging;

/// <summary>
/// Contact names, kept only on this client (in its encrypted state store); the server never learns them.
/// </summary>
public sealed class ContactBook
{
    private const string Key = "contacts";
    private readonly IClientStateStore _store;

    /// <summary>Creates the book over <paramref name="store"/>.</summary>
    public ContactBook(IClientStateStore store) => _store = store;

    /// <summary>All contacts, by name.</summary>
    public IReadOnlyList<Contact> List() => [.. Load().OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase)];

    /// <summary>The contact named <paramref name="nameOrAccountId"/> (case-insensitive), or with that account id.</summary>
    public Contact? Find(string nameOrAccountId) =>
        Load().FirstOrDefault(c => string.Equals(c.Name, nameOrAccountId, StringComparison.OrdinalIgnoreCase))
        ?? Load().FirstOrDefault(c => c.AccountId == nameOrAccountId);

    /// <summary>The contact for <paramref name="accountId"/>, or null.</summary>
    public Contact? ForAccount(string accountId) => Load().FirstOrDefault(c => c.AccountId == accountId);

    /// <summary>Adds or renames the contact of <paramref name="contact"/>'s account; names must be unique.</summary>
    public void Save(Contact contact)
    {
        ArgumentNullException.ThrowIfNull(contact);
        var contacts = Load();
        if (contacts.Any(c => c.AccountId != contact.AccountId && string.Equals(c.Name, contact.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidOperationException($"Another contact is already named '{contact.Name}'.");
        }

        contacts.RemoveAll(c => c.AccountId == contact.AccountId);
        contacts.Add(contact);
        _store.PutJson(Key, contacts, ClientJsonContext.Default.ListContact);
    }

    /// <summary>The display name of <paramref name="accountId"/>: the contact name, else a short form of the id.</summary>
    public string DisplayName(string accountId) => ForAccount(accountId)?.Name ?? "unknown " + accountId[..Math.Min(8, accountId.Length)];

    private List<Contact> Load() => _store.GetJson(Key, ClientJsonContext.Default.ListContact) ?? [];
}
